// convTranspose2d / convTranspose1d: backward data of a convolution plus a bias, under PyTorch's
// names and options. Expected values come from PyTorch 2.13 on inputs seq(shape, a, b) =
// sin(a·i + b) (float32), made by:
//   t2d:       F.conv_transpose2d(x[2,4,3,4], w[4,3,3,3](.53,.2), b[3](1.1,.3), stride=2, padding=1, output_padding=1), upstream seq(.71,.4)
//   t2dGroups: F.conv_transpose2d(x[1,4,5,5], w[4,1,3,3](.53,.2), None, padding=2, groups=2, dilation=2)
//   t1d:       F.conv_transpose1d(x[2,3,6], w[3,2,4](.53,.2), b[2](1.1,.3), stride=3, padding=1, output_padding=2), upstream seq(.71,.4)
import { describe, expect, it } from 'vitest';
import { convTranspose1d, convTranspose2d, memory, narrow, profile, randn, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const seq = (shape: number[], a = 0.37, b = 0.1, requiresGrad = false): Tensor =>
  tensor(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(a * i + b)), { shape, requiresGrad });

const torchValues = {"t2d":{"shape":[2,3,6,8],"y":[1.675833,3.44611,2.271713,4.286773,2.600124,4.58724,2.616618,2.018825,2.436882,4.460662,2.3076,3.967814,1.905992,2.977939,1.286415,-0.091266,2.318962,3.48353,1.747443,2.228736,0.979413,0.712291,0.118821,-0.658135,0.532725,0.092143,-0.25307,-1.413199,-0.964615,-2.687274,-1.505607,-2.345756,-0.717855,-2.276945,-1.417376,-3.345157,-1.885064,-3.92062,-2.057621,-1.600724,-1.013908,-1.92601,-0.564939,-0.93243,0.000489,0.227348,0.605848,1.750071,-0.067835,-0.654824,0.469212,0.469672,1.07613,1.663977,1.670774,2.732113,0.467996,1.175689,1.608961,3.207181,2.665538,4.937973,3.494722,3.579068,2.172663,3.627866,2.513868,4.131647,2.648209,4.209605,2.557503,2.206517,3.984288,6.632838,4.067975,6.36752,3.734457,5.373765,3.028873,1.776908,2.254027,3.104908,1.778856,2.071769,1.1963,0.891601,0.585207,-0.539781,-0.126934,-1.753732,-0.790963,-2.744107,-1.214563,-3.229705,-1.340402,-0.796356,-0.903136,-2.741009,-1.43717,-3.452177,-1.695689,-3.615109,-1.643705,-0.92369,-1.602478,-3.544762,-1.341805,-2.817972,-0.818524,-1.628781,-0.103459,1.283935,-1.288252,-2.285242,-0.677441,-0.972433,0.10606,0.55299,0.956207,1.692744,0.706608,1.452193,1.502041,2.926982,2.175179,4.086618,2.634917,3.330891,1.757935,3.415011,2.402736,4.364248,2.803338,4.803805,2.905522,2.319073,1.7798,2.504563,1.254362,1.396933,0.640153,0.181235,0.020303,-1.061269,-0.755204,-0.829476,0.07741,0.744372,0.939543,2.257471,1.714512,2.08112,1.248398,2.740652,1.877549,3.812634,2.292579,4.408592,2.437318,2.436237,2.297426,4.318194,2.609392,4.58691,2.608186,4.274806,2.293971,1.464951,2.292173,3.925137,1.876791,2.911158,1.247392,1.543164,0.489161,-1.058179,1.709276,2.150001,0.933236,0.624883,0.070883,-0.944814,-0.761065,-1.278011,-1.193922,-2.799807,-1.346055,-2.912116,-1.276008,-2.590286,-0.993262,-0.2697,-0.643824,-2.258161,-0.655596,-2.095311,-0.44526,-1.515494,-0.041284,0.848052,-1.96506,-3.937811,-1.419337,-2.597367,-0.548138,-0.772005,0.530625,1.690834,0.501655,0.535323,1.110074,1.728755,1.701625,2.821585,2.196245,3.006793,1.670946,3.31306,2.718489,5.01987,3.531473,6.180639,3.999865,3.596473,2.52699,4.147433,2.649095,4.201004,2.546033,3.819365,2.231753,1.489404,2.282801,2.599619,1.496228,1.06813,0.640524,-0.47455,-0.168496,-0.629143,1.461572,1.34994,0.627603,-0.205155,-0.210309,-1.651483,-0.938756,-1.20295,-0.694182,-2.413614,-1.260488,-3.331233,-1.575193,-3.716985,-1.595702,-1.461014,-1.459146,-3.476038,-1.701048,-3.60732,-1.63172,-3.169368,-1.260546,-0.338184,-1.31924,-2.763101,-0.783225,-1.552568,-0.060204,-0.050903,0.751966,2.252852,-0.637763,-0.89188,0.152339,0.639408,1.002823,2.165155,1.79858,2.230038,2.237315,3.879685,2.298867,3.815629,2.130279,3.316147,1.754368,0.977758],"gx":[-0.704647,-2.293106,-1.577847,1.81904,3.076385,1.845584,-2.244753,-2.520022,1.51271,3.04122,1.262806,-2.661809,-2.365285,-0.862853,2.360283,1.572003,-0.962032,-2.824339,-1.795503,2.284878,2.414542,0.289242,-3.054182,-1.206874,1.518181,2.589882,0.766033,-2.359727,-2.745496,-0.874159,2.862312,1.734143,-2.343187,-3.140704,-0.212327,3.07691,1.84311,-0.027931,-2.623759,-0.76038,1.90634,3.125004,0.811017,-2.881333,-1.608609,0.790997,3.127212,0.148577,-2.368849,-0.919633,2.27726,1.603838,-0.865176,-2.780939,-1.877471,2.216851,2.481216,0.388335,-3.030744,-1.298925,1.42642,2.613361,0.894411,-2.344634,-2.790514,-0.984534,2.8067,1.827809,-2.264824,-3.143157,-0.328563,3.04444,1.878234,0.020773,-2.584891,-0.797406,1.824968,3.119567,0.912113,-2.845522,-1.702235,0.692747,3.143752,0.251797,-2.072435,-2.620506,-0.005343,2.6189,2.16282,-0.088435,-3.120419,-0.849098,2.850303,2.904888,-0.752723,-3.131045],"gw":[0.165299,-0.076901,0.610136,0.834203,-1.422612,-0.414626,1.27471,-1.749623,-1.305866,-0.613433,0.539595,-0.161435,-1.21703,1.731792,1.149568,-1.306757,1.5687,1.695138,0.924327,-0.881568,-0.323383,1.327578,-1.653528,-1.627323,1.046452,-1.03682,-1.705168,1.031325,-0.928293,-1.096726,0.978217,-0.348656,-1.091687,-0.080846,0.432824,-0.481976,-0.845634,0.547547,1.042136,-0.150635,-0.273622,0.63168,0.918252,-0.95565,-0.134808,0.470754,-0.044301,-0.754395,-0.710647,0.834684,-0.030351,-1.550223,1.264675,0.721432,-0.72022,0.576384,-0.020024,-1.360548,1.610212,1.002027,-1.231209,1.516735,1.5652,1.06844,-0.834211,-0.399304,1.298082,-1.584565,-1.489454,0.812677,-1.054497,-1.622603,-1.177624,0.905404,0.729298,-0.945203,1.204412,1.643654,-0.212329,0.356341,1.316989,-0.643799,0.61816,1.107501,-0.246152,-0.517745,0.552531,0.743318,-1.248928,-0.360206,0.270743,-0.098686,-0.827284,-0.547819,1.126223,0.169744,-1.355526,1.523039,1.007876,0.162886,-0.442867,0.361985,1.219229,-1.482737,-0.854043,1.66447,-1.45641,-1.43006],"gb":[2.898148,-3.609285,3.512937]},"t2dGroups":{"shape":[1,2,5,5],"y":[-1.155951,-1.46473,-2.172911,-2.452198,-2.753975,-0.710197,-0.153659,-1.006205,-0.567541,0.45218,0.762414,-0.006061,0.531825,1.033672,0.292502,-1.761752,-0.857294,-0.40713,-0.653662,-0.075002,2.572897,2.794785,2.756565,1.600796,1.572404,0.799132,1.361924,1.691458,1.945929,2.612216,1.419583,0.875725,1.962585,1.584957,0.581357,-1.56723,-0.940756,-1.387027,-1.747368,-1.195499,2.245591,1.623475,1.103843,0.942193,0.558936,-1.868654,-2.393222,-2.407228,-1.108971,-1.273391]},"t1d":{"shape":[2,2,19],"y":[-0.555944,0.179384,-0.048374,-0.033445,0.722806,0.859736,0.533578,1.208396,1.691481,1.068382,1.570433,2.33429,1.498582,1.759917,2.701161,1.765953,1.751201,1.337031,0.29552,2.473483,2.313609,3.202035,2.356978,1.939451,2.654797,2.054844,1.436173,1.881622,1.607973,0.871893,0.987153,1.076845,0.322981,0.092454,0.533348,-0.136268,-0.498101,0.98545,-0.023171,0.732492,0.876116,0.543955,1.216362,1.705343,1.077456,1.5756,2.343756,1.505126,1.761586,2.704951,1.769082,1.749147,2.74004,1.833598,1.539966,0.904875,0.29552,2.353002,1.931161,2.642317,2.047762,1.426104,1.865887,1.598743,0.861406,0.970295,1.066718,0.313497,0.076753,0.523693,-0.143466,-0.693801,0.043165,-0.447636,-0.545218,0.98545],"gx":[1.85649,0.858978,-3.128927,2.460884,0.517873,-3.010359,0.689967,-3.127925,2.177648,0.81739,-3.044918,2.413337,-2.48438,1.987527,1.147202,-3.204734,2.253093,0.814151,1.045309,-3.268301,1.763053,1.397663,-3.246005,2.046422,-2.3837,1.441939,1.644365,-3.186647,1.736741,1.343927,1.12393,1.956094,-3.259474,1.502282,1.665519,-3.269435],"gw":[-0.721282,-0.533225,-0.515711,-0.248966,-0.903639,-0.45776,-0.136981,0.249997,0.883034,1.155723,0.663236,-0.149776,0.367676,0.435854,-0.399032,-1.041075,-0.346398,-0.864165,-0.286212,0.430061,0.45908,-0.069233,0.619452,1.008771],"gb":[1.530579,1.095347]}};

describe('convTranspose2d', () => {
  it('matches PyTorch forward and backward (stride, padding, outputPadding, bias)', () => {
    scope(() => {
      const want = torchValues.t2d;
      const x = seq([2, 4, 3, 4], 0.37, 0.1, true);
      const w = seq([4, 3, 3, 3], 0.53, 0.2, true);
      const b = seq([3], 1.1, 0.3, true);
      const y = convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 });
      expect(y.shape).toEqual(want.shape);
      expectClose(y.dataSync(), want.y, 1e-4, 1e-4, 'output');
      y.backward(seq(want.shape, 0.71, 0.4));
      expectClose(x.grad!.dataSync(), want.gx, 1e-4, 1e-4, 'input grad');
      expectClose(w.grad!.dataSync(), want.gw, 1e-4, 1e-4, 'weight grad');
      expectClose(b.grad!.dataSync(), want.gb, 1e-4, 1e-4, 'bias grad');
    });
  });

  it('matches PyTorch with groups and dilation, and takes unbatched [C,H,W] input', () => {
    scope(() => {
      const want = torchValues.t2dGroups;
      const options = { padding: 2, groups: 2, dilation: 2 };
      const y = convTranspose2d(seq([1, 4, 5, 5]), seq([4, 1, 3, 3], 0.53, 0.2), null, options);
      expect(y.shape).toEqual(want.shape);
      expectClose(y.dataSync(), want.y, 1e-4, 1e-4);
      const u = convTranspose2d(seq([4, 5, 5]), seq([4, 1, 3, 3], 0.53, 0.2), undefined, options);
      expect(u.shape).toEqual(want.shape.slice(1));
      expectClose(u.dataSync(), want.y, 1e-4, 1e-4);
    });
  });

  it('matches PyTorch with an outputPadding at least the stride but under the dilation (rows of zeros, or padding taken back)', () => {
    scope(() => {
      const dilated: Record<string, { shape: number[]; y: number[]; gx: number[]; gw: number[] }> = {"dilatedPad1":{"shape":[1,1,6,6],"y":[1.146843,2.318936,1.358651,2.351965,1.197664,1.095663,0.613104,1.179356,0.364376,0.503325,0.015667,-0.568179,0.708055,0.649996,0.024166,-0.618005,-0.666354,-0.553156,-0.33734,-1.039666,-0.597786,-1.483251,-0.694208,-0.772594,-1.174036,-2.343899,-1.359579,-2.328231,-1.172073,-1.074419,-0.3519,-0.827237,-0.47963,-0.815728,-0.475757,-0.055775],"gx":[-1.487111,-1.315015,0.175756,0.519802,-0.413627,-2.202899,1.967127,2.787564,2.697295,0.640475,1.585672,2.054229,-2.190056,-2.90403,-1.949638,1.03275,0.920764,-1.114697],"gw":[0.721164,1.712453,0.608303,-0.417011,-0.587818,-0.493891,-0.5102,0.040622,0.713647,-0.961659,-1.744244,-0.290859,0.940072,0.987618,0.017429,0.20991,-0.714346,-0.794152]},"dilatedPad0":{"shape":[1,1,8,8],"y":[0.294874,0.681642,1.243403,0.733706,1.267156,0.584452,0.923506,0.0,1.138546,1.146843,2.318936,1.358651,2.351965,1.197664,1.095663,0.0,0.737375,0.613104,1.179356,0.364376,0.503325,0.015667,-0.568179,0.0,0.643985,0.708055,0.649996,0.024166,-0.618005,-0.666354,-0.553156,0.0,0.257367,-0.33734,-1.039666,-0.597786,-1.483251,-0.694208,-0.772594,0.0,-1.163279,-1.174036,-2.343899,-1.359579,-2.328231,-1.172073,-1.074419,0.0,-0.7389,-0.3519,-0.827237,-0.47963,-0.815728,-0.475757,-0.055775,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0],"gx":[0.497238,-0.2164,-0.825458,0.925983,0.397336,-0.323335,1.027917,0.870838,0.292904,-1.03312,-0.669304,0.01797,-0.950171,-1.008558,-0.579534,-0.531873,-0.991857,-0.9725],"gw":[1.810538,3.465452,-0.76934,-2.372694,2.454193,3.110059,-3.501855,-1.716041,2.986269,-2.043368,-3.291317,1.054489,2.092088,-2.636887,-2.884343,3.534662,1.411675,-3.110523]}};
      for (const [name, padding] of [['dilatedPad1', 1], ['dilatedPad0', 0]] as const) {
        const want = dilated[name];
        const x = seq([1, 2, 3, 3], 0.37, 0.1, true);
        const w = seq([2, 1, 3, 3], 0.53, 0.2, true);
        const y = convTranspose2d(x, w, null, { stride: 1, padding, outputPadding: 1, dilation: 2 });
        expect(y.shape, name).toEqual(want.shape);
        expectClose(y.dataSync(), want.y, 1e-5, 1e-4, `${name} output`);
        y.backward(seq(want.shape, 0.71, 0.4));
        expectClose(x.grad!.dataSync(), want.gx, 1e-5, 1e-4, `${name} input grad`);
        expectClose(w.grad!.dataSync(), want.gw, 1e-5, 1e-4, `${name} weight grad`);
      }
    });
  });

  it('takes [top, left, bottom, right] padding: the unpadded output, cropped', () => {
    scope(() => {
      const x = seq([1, 2, 4, 3]);
      const w = seq([2, 3, 3, 2], 0.53, 0.2);
      const whole = convTranspose2d(x, w, null, { stride: 2 });
      const cropped = narrow(narrow(whole, 2, 1, whole.shape[2] - 1), 3, 0, whole.shape[3] - 2);
      const y = convTranspose2d(x, w, null, { stride: 2, padding: [1, 0, 0, 2] });
      expect(y.shape).toEqual(cropped.shape);
      expectClose(y.dataSync(), cropped.dataSync(), 1e-6, 1e-6);
    });
  });

  it('of a 1x1 input (a generator from its noise) is one GEMM, with the convolution\'s values and gradients (Note [transposed convolution of one pixel])', async () => {
    scope(() => {
      const run = (algo: 'auto' | 'heuristic', shape: number[]) => {
        const x = seq(shape, 0.37, 0.1, true);
        const w = seq([5, 3, 4, 2], 0.53, 0.2, true);
        const b = seq([3], 1.1, 0.3, true);
        const y = convTranspose2d(x, w, b, { stride: 3, algo });
        y.backward(seq(y.shape, 0.71, 0.4));
        return { shape: y.shape, y: y.dataSync(), gx: x.grad!.dataSync(), gw: w.grad!.dataSync(), gb: b.grad!.dataSync() };
      };
      for (const shape of [[6, 5, 1, 1], [5, 1, 1]]) {
        const fast = run('auto', shape);
        const conv = run('heuristic', shape);
        expect(fast.shape).toEqual(shape.length === 4 ? [6, 3, 4, 2] : [3, 4, 2]);
        expect(conv.shape).toEqual(fast.shape);
        for (const k of ['y', 'gx', 'gw', 'gb'] as const) expectClose(fast[k], conv[k], 1e-5, 1e-5, k);
      }
    });
    const ops = async (options: { padding?: number; algo?: 'heuristic' }) =>
      (await profile(() => scope(() => void convTranspose2d(randn([2, 5, 1, 1]), randn([5, 3, 4, 4]), null, options).dataSync()))).ops.map((r) => r.op).sort(); // rows come most kernel time first, which varies by machine
    expect(await ops({})).toEqual(['matmul', 'randn', 'reshape']);
    expect(await ops({ algo: 'heuristic' })).toContain('conv2dBackwardData');
    expect(await ops({ padding: 1 })).toContain('conv2dBackwardData');
  });

  it('refuses bad arguments, naming the option and what it expected', () => {
    scope(() => {
      const x = seq([1, 4, 3, 3]);
      expect(() => convTranspose2d(x, seq([3, 2, 3, 3]))).toThrow(/^convTranspose2d: weight has 3 input channels but input has 4 \(input \[1,4,3,3\], weight \[3,2,3,3\]\)$/);
      expect(() => convTranspose2d(x, seq([4, 2, 3]))).toThrow(/^convTranspose2d: weight expected 4 dimensions \[C_in,C_out\/groups,kH,kW\], got \[4,2,3\]$/);
      expect(() => convTranspose2d(x, seq([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 })).toThrow(
        /^convTranspose2d: option 'outputPadding' expected integers >= 0 and smaller than the stride \[2,2\] or the dilation \[1,1\], got \[2,2\]$/,
      );
      expect(() => convTranspose2d(x, seq([4, 2, 3, 3]), seq([3]))).toThrow(/^convTranspose2d: bias expected shape \[2\] \(one per output channel\), got \[3\]$/);
      expect(() => convTranspose2d(x, seq([4, 2, 3, 3]), null, { groups: 3 })).toThrow(/^convTranspose2d: input has 4 channels, not divisible by groups 3/);
      expect(() => convTranspose2d(x, seq([4, 2, 1, 1]), null, { padding: 2 })).toThrow(/^convTranspose2d: the padding leaves an output of -1x-1/);
      expect(() => convTranspose2d(x, seq([4, 2, 3, 3]), null, { outPadding: 1 } as never)).toThrow(/^convTranspose2d: unknown option 'outPadding'/);
    });
  });

  it('leaves no intermediate behind', () => {
    const before = memory().liveTensors;
    scope(() => {
      const y = convTranspose2d(seq([1, 2, 3, 3], 0.37, 0.1, true), seq([2, 2, 3, 3], 0.53, 0.2, true), seq([2], 1.1, 0.3, true), { stride: 2 });
      y.backward(seq(y.shape));
    });
    expect(memory().liveTensors).toBe(before);
  });
});

describe('convTranspose1d', () => {
  it('matches PyTorch forward and backward (stride, padding, outputPadding, bias), batched and not', () => {
    scope(() => {
      const want = torchValues.t1d;
      const x = seq([2, 3, 6], 0.37, 0.1, true);
      const w = seq([3, 2, 4], 0.53, 0.2, true);
      const b = seq([2], 1.1, 0.3, true);
      const options = { stride: 3, padding: 1, outputPadding: 2 };
      const y = convTranspose1d(x, w, b, options);
      expect(y.shape).toEqual(want.shape);
      expectClose(y.dataSync(), want.y, 1e-4, 1e-4, 'output');
      y.backward(seq(want.shape, 0.71, 0.4));
      expectClose(x.grad!.dataSync(), want.gx, 1e-4, 1e-4, 'input grad');
      expectClose(w.grad!.dataSync(), want.gw, 1e-4, 1e-4, 'weight grad');
      expectClose(b.grad!.dataSync(), want.gb, 1e-4, 1e-4, 'bias grad');
      const u = convTranspose1d(seq([3, 6]), seq([3, 2, 4], 0.53, 0.2), seq([2], 1.1, 0.3), options);
      expect(u.shape).toEqual(want.shape.slice(1));
      expectClose(u.dataSync(), want.y.slice(0, want.shape[1] * want.shape[2]), 1e-4, 1e-4, 'unbatched output');
    });
  });
});
