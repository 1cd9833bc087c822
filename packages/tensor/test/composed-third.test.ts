// The third set of composed functions against PyTorch 2.13 — scatter, indexAdd, indexCopy,
// repeatInterleave, amax/amin (ties share the gradient), movedim, swapaxes, unflatten, normalize,
// cosineSimilarity (PyTorch 2.x's formula, a zero vector included), pairwiseDistance, addmm,
// baddbmm, maskedFill with a tensor value, einsum summing over '...', gelu's options form — outputs
// and every input's gradient, on seq inputs as in composed-more.test.ts; then randperm, the
// integer paths, the new methods, and the refusals. Run on cpu and, where available, on cuda.
import { describe, expect, it } from 'vitest';
import * as T from '../src/index.js';
import { backends, Generator, manualSeed, scope, tensor, type Tensor } from '../src/index.js';
import { expectClose } from '../src/testing/index.js';

const devices = ['cpu', ...(backends().cuda.available ? ['cuda'] : [])];
const TIES = [1, 3, 3, -1, 2, 2, 2, 0, -5, 4, -5, 1];
// Input j: 3·sin((0.37 + 0.11j)·i + 0.1 + 0.2j), zeros at `zeroAt`, or the values TIES.
type InputSpec = number[] | { ties: number[] } | { zero: number[]; at: number[] };
const input = (spec: InputSpec, j: number, device: string): Tensor => {
  if (!Array.isArray(spec) && 'ties' in spec) return tensor(TIES, { shape: spec.ties, device, requiresGrad: true });
  const [shape, zeroAt] = Array.isArray(spec) ? [spec, [] as number[]] : [spec.zero, spec.at];
  const v = Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => (zeroAt.includes(i) ? 0 : 3 * Math.sin((0.37 + 0.11 * j) * i + 0.1 + 0.2 * j)));
  return tensor(v, { shape, device, requiresGrad: true });
};
const ints = (t: Tensor) => Array.from(t.dataSync() as ArrayLike<number | bigint>, Number);
const long = (v: number[] | number[][], device: string) => tensor(v, { dtype: 'int64', device });
type Golden = { shape: number[]; y: number[]; g: (number[] | null)[] };
const torchValues: Record<string, Golden> = {"scatter0":{"shape":[3,4],"y":[0.8865606,1.28214,2.233929,2.957158,2.999873,2.109838,-0.1151937,-1.486492,2.389696,-0.8532771,2.856271,-2.569434],"g":[[0.0,0.0,0.9691091,0.0,-0.09824859,0.0,0.0,0.0,0.0,0.4853948,0.0,0.937292],[0.3894183,-0.7231881,0.938,0.5741721,-0.2017901,0.8956987,-0.998628,-0.7914547]]},"scatterLast":{"shape":[2,5],"y":[2.109838,1.358659,2.856271,2.806848,0.8865606,1.28214,2.957158,1.309197,2.389696,-0.8532771],"g":[[0.0,0.8956987,0.0,0.5741721,0.0,0.0,0.0,-0.7914547,0.0,0.4853948],[-0.09824859,0.3894183,0.9691091,-0.998628,-0.2017901,-0.7231881]]},"scatterValue":{"shape":[3,4],"y":[0.2995003,2.5,2.233929,2.806848,2.999873,2.786879,2.196694,2.5,2.5,-0.8532771,-1.835574,-2.569434],"g":[[0.3894183,0.0,0.9691091,0.5741721,-0.09824859,-0.7231881,-0.998628,0.0,0.0,0.4853948,0.938,0.937292]]},"indexAdd":{"shape":[4,3],"y":[1.778079,2.553507,2.874999,2.806848,2.999873,2.786879,2.196694,1.309197,0.2445064,-0.4675937,-1.523901,-2.402213],"g":[[0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,-0.998628,-0.7914547,-0.2017901,0.4853948,0.938,0.937292],[0.2426974,0.469,0.468646,0.1947092,0.4478493,0.4845546,0.2426974,0.469,0.468646]]},"indexAddCols":{"shape":[2,4],"y":[0.2995003,2.245219,4.343768,2.806848,2.999873,5.64315,5.153852,1.309197],"g":[[0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,-0.998628,-0.7914547],[0.8956987,0.9691091,-0.7231881,-0.998628]]},"indexCopy":{"shape":[4,3],"y":[2.957158,2.389696,1.28214,2.806848,2.999873,2.786879,0.8865606,2.109838,2.856271,-0.8532771,-1.835574,-2.569434],"g":[[0.0,0.0,0.0,0.5741721,-0.09824859,-0.7231881,0.0,0.0,0.0,0.4853948,0.938,0.937292],[-0.998628,-0.7914547,-0.2017901,0.3894183,0.8956987,0.9691091]]},"indexCopyLast":{"shape":[2,3,4],"y":[0.2995003,2.109838,2.233929,0.8865606,2.999873,2.957158,2.196694,2.856271,0.2445064,1.28214,-1.835574,2.389696,-2.955533,-1.486492,-2.529563,-0.1151937,-0.7804725,-2.987206,1.376854,-2.521828,2.814,-1.939952,2.779247,-2.777444],"g":[[0.3894183,0.0,0.9691091,0.0,-0.09824859,0.0,-0.998628,0.0,-0.2017901,0.0,0.938,0.0,0.4836131,0.0,-0.792698,0.0,-0.7217799,0.0,0.5758385,0.0,0.8947912,0.0,-0.3069977,0.0],[0.5741721,0.8956987,-0.7914547,-0.7231881,0.937292,0.4853948,-0.9985193,-0.2037845,0.9696094,-0.09622151,-0.8531722,0.3875416]]},"repeatInterleave":{"shape":[2,6],"y":[0.2995003,0.2995003,1.358659,1.358659,2.233929,2.233929,2.806848,2.806848,2.999873,2.999873,2.786879,2.786879],"g":[[1.285117,1.543281,-0.8214367,-1.790083,0.2836047,1.875292]]},"repeatInterleaveTensor":{"shape":[4,2],"y":[0.2995003,1.358659,2.999873,2.786879,2.999873,2.786879,2.999873,2.786879],"g":[[0.3894183,0.8956987,0.0,0.0,-0.1277675,-0.9404706]]},"repeatInterleaveFlat":{"shape":[12],"y":[0.2995003,0.2995003,0.2995003,1.358659,1.358659,1.358659,2.233929,2.233929,2.233929,2.806848,2.806848,2.806848],"g":[[2.254226,-0.2472646,-1.991873,2.360687]]},"amaxTies":{"shape":[3],"y":[3.0,2.0,4.0],"g":[[0.0,0.1947092,0.1947092,0.0,0.2985662,0.2985662,0.2985662,0.0,0.0,0.9691091,0.0,0.0]]},"aminAllKeep":{"shape":[1,1],"y":[-5.0],"g":[[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.1947092,0.0,0.1947092,0.0]]},"amaxAll":{"shape":[],"y":[4.0],"g":[[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.3894183,0.0,0.0]]},"aminCols":{"shape":[4],"y":[-5.0,2.0,-5.0,-1.0],"g":[[0.0,0.0,0.0,0.5741721,0.0,0.8956987,0.0,0.0,0.3894183,0.0,0.9691091,0.0]]},"amaxMiddle":{"shape":[1,3,1],"y":[2.806848,2.999873,2.999615],"g":[[0.0,0.0,0.0,0.3894183,0.8956987,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.9691091,0.0,0.0]]},"movedim":{"shape":[3,4,2],"y":[0.2995003,-2.955533,1.358659,-2.941615,2.233929,-2.529563,2.806848,-1.775147,2.999873,-0.7804725,2.786879,0.3198351,2.196694,1.376854,1.309197,2.247523,0.2445064,2.814,-0.8532771,2.999615,-1.835574,2.779247,-2.569434,2.18272],"g":[[0.3894183,0.9691091,-0.09824859,-0.998628,-0.2017901,0.938,0.4836131,-0.792698,-0.7217799,0.5758385,0.8947912,-0.3069977,0.8956987,0.5741721,-0.7231881,-0.7914547,0.4853948,0.937292,-0.2037845,-0.9985193,-0.09622151,0.9696094,0.3875416,-0.8531722]]},"moveaxis":{"shape":[4,2,3],"y":[0.2995003,2.999873,0.2445064,-2.955533,-0.7804725,2.814,1.358659,2.786879,-0.8532771,-2.941615,0.3198351,2.999615,2.233929,2.196694,-1.835574,-2.529563,1.376854,2.779247,2.806848,1.309197,-2.569434,-1.775147,2.247523,2.18272],"g":[[0.3894183,-0.998628,0.4836131,0.5758385,0.8956987,-0.7914547,-0.2037845,0.9696094,0.9691091,-0.2017901,-0.792698,0.8947912,0.5741721,0.4853948,-0.9985193,0.3875416,-0.09824859,0.938,-0.7217799,-0.3069977,-0.7231881,0.937292,-0.09622151,-0.8531722]]},"swapaxes":{"shape":[4,3,2],"y":[0.2995003,-2.955533,2.999873,-0.7804725,0.2445064,2.814,1.358659,-2.941615,2.786879,0.3198351,-0.8532771,2.999615,2.233929,-2.529563,2.196694,1.376854,-1.835574,2.779247,2.806848,-1.775147,1.309197,2.247523,-2.569434,2.18272],"g":[[0.3894183,-0.998628,0.4836131,0.5758385,0.9691091,-0.2017901,-0.792698,0.8947912,-0.09824859,0.938,-0.7217799,-0.3069977,0.8956987,-0.7914547,-0.2037845,0.9696094,0.5741721,0.4853948,-0.9985193,0.3875416,-0.7231881,0.937292,-0.09622151,-0.8531722]]},"unflatten":{"shape":[2,2,2,3],"y":[0.2995003,1.358659,2.233929,2.806848,2.999873,2.786879,2.196694,1.309197,0.2445064,-0.8532771,-1.835574,-2.569434,-2.955533,-2.941615,-2.529563,-1.775147,-0.7804725,0.3198351,1.376854,2.247523,2.814,2.999615,2.779247,2.18272],"g":[[0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,-0.998628,-0.7914547,-0.2017901,0.4853948,0.938,0.937292,0.4836131,-0.2037845,-0.792698,-0.9985193,-0.7217799,-0.09622151,0.5758385,0.9696094,0.8947912,0.3875416,-0.3069977,-0.8531722]]},"normalize":{"shape":[3,4],"y":[0.07783958,0.353113,0.5805942,0.7294947,0.6214048,0.5772845,0.4550315,0.271192,0.07454193,-0.2601359,-0.5596057,-0.7833354],"g":[[0.07434098,0.1109053,0.0514641,-0.1025758,0.1273651,-0.01257518,-0.0986921,-0.0994787,-0.02969374,0.03691676,0.04704365,-0.04869273]]},"normalizeP1":{"shape":[3,4],"y":[0.08451197,0.2717962,0.3565048,0.4198425,0.8464941,0.5575079,0.3505626,0.195827,0.06899401,-0.1706959,-0.2929326,-0.3843306],"g":[[0.1279945,0.2277118,0.1992388,0.1268912,-0.009613743,-0.09614231,-0.1147853,-0.0773764,-0.03883074,0.04857237,0.1051099,0.09919045]]},"normalizeInf":{"shape":[2,3,2],"y":[0.2204382,1.0,0.7958854,1.0,1.0,0.9289991,1.0,0.5959851,0.2865499,-1.0,-0.7143884,-1.0],"g":[[0.2866196,-0.06318188,0.345266,-0.2747921,0.2239565,-0.2410729,0.2147295,-0.3602935,-0.2364884,-0.06776565,0.3650609,-0.2607953]]},"cosineSimilarity":{"shape":[3],"y":[0.9838949,0.5718033,0.7080914],"g":[[0.0113181,0.01021845,0.00362131,-0.009036072,0.07734293,0.01562274,-0.05518112,-0.1178903,-0.1596237,-0.1161864,-0.04155576,0.0530813],[-0.008900126,-0.007287513,-0.001378279,0.009198926,0.05205917,0.09851725,0.1378578,0.1579814,0.07863127,0.02786716,-0.0336136,-0.0970022]]},"cosineBroadcast":{"shape":[2,4],"y":[0.9875995,0.662587,-0.9971153,-0.7573004,0.923407,0.9559959,-0.8120956,-0.9866433],"g":[[0.1462024,0.04998644,-0.05000255,-0.09103794,0.003364176,0.08806896],[-0.02251802,-0.007576838,0.01258617,-0.05852341,0.02085932,0.09610146,-0.1571719,-0.06211297,0.04379191,-0.03393551,0.006853342,0.04244305]]},"cosineZero":{"shape":[3],"y":[0.9838949,0.0,0.7080914],"g":[[0.0113181,0.01021845,0.00362131,-0.009036072,69163900.0,37108390.0,-3334000.0,-43022870.0,-0.1596237,-0.1161864,-0.04155576,0.0530813],[-0.008900126,-0.007287513,-0.001378279,0.009198926,0.0,0.0,0.0,0.0,0.07863127,0.02786716,-0.0336136,-0.0970022]]},"pairwiseDistance":{"shape":[3],"y":[1.148394,3.974579,3.672824],"g":[[-0.1990708,-0.2547233,-0.2110346,-0.05096937,0.1375077,0.3391036,0.5210001,0.6300281,0.7299237,0.5630574,0.2485216,-0.1660945],[0.1990708,0.2547233,0.2110346,0.05096937,-0.1375077,-0.3391036,-0.5210001,-0.6300281,-0.7299237,-0.5630574,-0.2485216,0.1660945]]},"pairwiseP1Keep":{"shape":[3,1],"y":[2.110887,7.222497,6.471617],"g":[[-0.3894183,-0.3894183,-0.3894183,-0.3894183,0.8956987,0.8956987,0.8956987,0.8956987,0.9691091,0.9691091,0.9691091,-0.9691091],[0.3894183,0.3894183,0.3894183,0.3894183,-0.8956987,-0.8956987,-0.8956987,-0.8956987,-0.9691091,-0.9691091,-0.9691091,0.9691091]]},"pairwiseInf":{"shape":[3],"y":[0.7511783,2.113313,5.52659],"g":[[-0.0,-0.3894183,-0.0,-0.0,0.8956987,0.0,-0.0,-0.0,-0.0,-0.0,-0.0,-0.9691091],[-0.8956987,0.3894183,0.0,0.9691091]]},"addmm":{"shape":[2,4],"y":[-4.154854,-2.109479,0.9246498,4.099119,5.883855,6.723544,5.854983,3.452173],"g":[[0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,-0.998628,-0.7914547],[7.150888,-4.482183,-0.7880471,-6.860172,5.286745,-0.6448121],[0.05470636,-1.34449,-2.093926,-1.831418,0.5868254,0.1615794,-0.3417542,-0.679926,0.9863159,1.63113,1.487658,0.6252359]]},"addmmScaled":{"shape":[2,4],"y":[-8.758958,-6.256947,-1.501594,3.987966,5.917714,8.55266,8.433541,5.689376],"g":[[0.1455849,0.08625528,-0.01475945,-0.1086413],[14.30178,-8.964367,-1.576094,-13.72034,10.57349,-1.289624],[0.1094127,-2.68898,-4.187853,-3.662836,1.173651,0.3231587,-0.6835084,-1.359852,1.972632,3.26226,2.975315,1.250472]]},"baddbmm":{"shape":[2,3,4],"y":[0.04518849,4.159334,7.418131,9.074682,-2.178551,-3.647142,-3.331565,-0.9835634,5.24911,10.66153,13.02008,11.88227,5.504588,2.175122,-0.759583,-2.546597,8.466084,7.294823,4.787256,1.55189,2.857578,6.434189,8.96549,9.356255],"g":[[0.1787592,1.315811,1.816962,1.440019,1.313249,0.1750711,-1.047714,-1.764164],[-7.150888,4.482183,0.7880471,-5.600884,7.162884,6.860172,-5.286745,0.6448121,4.371379,-6.850357,-5.950183,5.614068,-2.019464,-2.747267,5.919443,5.447926,-3.279618,-0.7922292,4.404254,-5.459985,-4.748177,4.153613,-1.14823,-2.523602,4.730699,3.619806,-4.652658,2.985039,0.4151417,-3.574368],[-0.7797353,1.481294,3.026449,3.108993,-1.224391,-1.031443,-0.3400242,0.5157207,-1.392321,-3.311064,-3.629649,-2.19411,-1.245573,-4.84235,-6.098936,-4.40805,-0.8173125,-5.279217,-7.189801,-5.625725,-1.644995,0.7474151,2.778618,3.46698,-3.776318,0.1243419,3.96491,5.889331,-5.054154,-0.5268338,4.255093,6.980634,-5.1897,-1.05894,3.583581,6.494243,-4.152321,-1.351714,2.102144,4.540086]]},"baddbmmBeta0":{"shape":[2,3,4],"y":[0.553812,-1.442016,-2.950272,-3.460986,2.777551,6.36446,7.799424,6.59726,-4.65011,-7.944208,-8.552221,-6.268569,0.4951581,3.398636,5.152972,5.164992,-2.466339,-1.721064,-0.393867,1.066504,3.142168,-0.8604312,-4.572102,-6.73786],"g":[[0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0],[7.150888,-4.482183,-0.7880471,5.600884,-7.162884,-6.860172,5.286745,-0.6448121,-4.371379,6.850357,5.950183,-5.614068,2.019464,2.747267,-5.919443,-5.447926,3.279618,0.7922292,-4.404254,5.459985,4.748177,-4.153613,1.14823,2.523602,-4.730699,-3.619806,4.652658,-2.985039,-0.4151417,3.574368],[0.7797353,-1.481294,-3.026449,-3.108993,1.224391,1.031443,0.3400242,-0.5157207,1.392321,3.311064,3.629649,2.19411,1.245573,4.84235,6.098936,4.40805,0.8173125,5.279217,7.189801,5.625725,1.644995,-0.7474151,-2.778618,-3.46698,3.776318,-0.1243419,-3.96491,-5.889331,5.054154,0.5268338,-4.255093,-6.980634,5.1897,1.05894,-3.583581,-6.494243,4.152321,1.351714,-2.102144,-4.540086]]},"maskedFillTensor":{"shape":[2,3],"y":[0.8865606,1.358659,0.8865606,2.806848,2.999873,0.8865606],"g":[[0.0,0.8956987,0.0,0.5741721,-0.09824859,0.0],[0.6353393]]},"einsumEllipsisSum":{"shape":[2],"y":[38.37096,-35.58483],"g":[[0.3452429,0.8216097,1.112284,1.151571,0.9305916,0.4992887,-0.04485855,-0.5788673,-0.9820461,-1.163273,-1.081588,-0.7554529,-0.5947539,0.6825251,1.805546,2.520496,2.665788,2.208585,1.252219,0.01283879,-1.229443,-2.193858,-2.662439,-2.529282],[0.1166309,0.5290867,0.8699331,1.093038,1.168205,1.085262,0.855433,0.5098254,0.09521529,-0.3322818,-0.714806,-1.000585,-2.647267,-2.634801,-2.265726,-1.589997,-0.6990681,0.2864758,1.233247,2.013103,2.520496,2.686751,2.489367,1.955059]]},"einsumEllipsisBroadcast":{"shape":[2],"y":[-0.6225576,5.963545],"g":[[0.2937884,0.1576257,-0.01416186,-0.1827488,0.8415912,0.6972517,0.3953262,0.004052988],[0.1166309,0.5290867,0.8699331,1.093038,0.1166309,0.5290867,0.8699331,1.093038,0.1166309,0.5290867,0.8699331,1.093038,2.686982,2.496204,1.967576,1.172646,2.686982,2.496204,1.967576,1.172646,2.686982,2.496204,1.967576,1.172646]]},"einsumLeadingSum":{"shape":[2,3],"y":[2.208288,2.197889,1.890016,1.326338,0.5831463,-0.2389715],"g":[[0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881,0.3894183,0.8956987,0.9691091,0.5741721,-0.09824859,-0.7231881]]},"einsumEllipsisMiddle":{"shape":[2,2],"y":[14.20617,7.856717,-16.45331,-11.56204],"g":[[2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.235022,3.761006,2.079002,-1.376308,-3.657682,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097,2.070584,4.465956,3.052045,-0.9651377,-4.159097],[-2.063583,0.6442014,-2.217924,1.019195,-2.07208,1.256245,-1.64579,1.323269,-0.9967488,1.211194]]},"geluTanh":{"shape":[2,3],"y":[0.1850051,1.240049,2.205752,2.800291,2.996234,2.779931],"g":[[0.2850275,1.010553,1.028714,0.5851588,-0.09938713,-0.7377172]]}};

const mask = (device: string) => tensor([[true, false, true], [false, false, true]], { device });
const cases: [string, InputSpec[], (d: string, ...xs: Tensor[]) => Tensor][] = [
  ['scatter0', [[3, 4], [2, 4]], (d, x, s) => T.scatter(x, 0, long([[0, 1, 2, 0], [2, 0, 1, 1]], d), s)],
  ['scatterLast', [[2, 5], [2, 3]], (d, x, s) => x.scatter(-1, long([[4, 0, 2], [1, 3, 0]], d), s)],
  ['scatterValue', [[3, 4]], (d, x) => T.scatter(x, 1, long([[1], [3], [0]], d), 2.5)],
  ['indexAdd', [[4, 3], [3, 3]], (d, x, s) => T.indexAdd(x, 0, long([3, 0, 3], d), s, { alpha: 0.5 })],
  ['indexAddCols', [[2, 4], [2, 2]], (d, x, s) => x.indexAdd(1, long([1, 2], d), s)],
  ['indexCopy', [[4, 3], [2, 3]], (d, x, s) => T.indexCopy(x, 0, long([2, 0], d), s)],
  ['indexCopyLast', [[2, 3, 4], [2, 3, 2]], (d, x, s) => x.indexCopy(-1, long([3, 1], d), s)],
  ['repeatInterleave', [[2, 3]], (_, x) => T.repeatInterleave(x, 2, { dim: 1 })],
  ['repeatInterleaveTensor', [[3, 2]], (d, x) => x.repeatInterleave(long([1, 0, 3], d), { dim: 0 })],
  ['repeatInterleaveFlat', [[2, 2]], (_, x) => T.repeatInterleave(x, 3)],
  ['amaxTies', [{ ties: [3, 4] }], (_, x) => T.amax(x, 1)],
  ['aminAllKeep', [{ ties: [3, 4] }], (_, x) => T.amin(x, { dim: [0, 1], keepdim: true })],
  ['amaxAll', [{ ties: [3, 4] }], (_, x) => x.amax()],
  ['aminCols', [{ ties: [3, 4] }], (_, x) => x.amin(0)],
  ['amaxMiddle', [[2, 3, 4]], (_, x) => T.amax(x, { dim: [0, 2], keepdim: true })],
  ['movedim', [[2, 3, 4]], (_, x) => T.movedim(x, [0, 1], [2, 0])],
  ['moveaxis', [[2, 3, 4]], (_, x) => x.moveaxis(-1, 0)],
  ['swapaxes', [[2, 3, 4]], (_, x) => T.swapaxes(x, 0, 2)],
  ['unflatten', [[2, 12]], (_, x) => x.unflatten(1, [2, -1, 3])],
  ['normalize', [[3, 4]], (_, x) => T.normalize(x)],
  ['normalizeP1', [[3, 4]], (_, x) => T.normalize(x, { p: 1, dim: 0 })],
  ['normalizeInf', [[2, 3, 2]], (_, x) => T.normalize(x, { p: Infinity, dim: -1 })],
  ['cosineSimilarity', [[3, 4], [3, 4]], (_, a, b) => T.cosineSimilarity(a, b)],
  ['cosineBroadcast', [[2, 1, 3], [4, 3]], (_, a, b) => T.cosineSimilarity(a, b, { dim: -1 })],
  ['cosineZero', [{ zero: [3, 4], at: [4, 5, 6, 7] }, [3, 4]], (_, a, b) => T.cosineSimilarity(a, b, { dim: 1 })],
  ['pairwiseDistance', [[3, 4], [3, 4]], (_, a, b) => T.pairwiseDistance(a, b)],
  ['pairwiseP1Keep', [[3, 4], [3, 4]], (_, a, b) => T.pairwiseDistance(a, b, { p: 1, keepdim: true })],
  ['pairwiseInf', [[3, 4], [4]], (_, a, b) => T.pairwiseDistance(a, b, { p: Infinity })],
  ['addmm', [[2, 4], [2, 3], [3, 4]], (_, i, a, b) => T.addmm(i, a, b)],
  ['addmmScaled', [[4], [2, 3], [3, 4]], (_, i, a, b) => i.addmm(a, b, { beta: 0.5, alpha: 2 })],
  ['baddbmm', [[2, 1, 4], [2, 3, 5], [2, 5, 4]], (_, i, a, b) => T.baddbmm(i, a, b, { beta: 2, alpha: -1 })],
  ['baddbmmBeta0', [[3, 4], [2, 3, 5], [2, 5, 4]], (_, i, a, b) => i.baddbmm(a, b, { beta: 0 })],
  ['maskedFillTensor', [[2, 3], []], (d, x, v) => x.maskedFill(mask(d), v)],
  ['einsumEllipsisSum', [[2, 3, 4], [2, 3, 4]], (_, a, b) => T.einsum('b...,b...->b', a, b)],
  ['einsumEllipsisBroadcast', [[2, 1, 4], [2, 3, 4]], (_, a, b) => T.einsum('b...,b...->b', a, b)],
  ['einsumLeadingSum', [[5, 2, 3]], (_, a) => T.einsum('...ij->ij', a)],
  ['einsumEllipsisMiddle', [[2, 3, 4, 5], [5, 2]], (_, a, b) => T.einsum('i...j,jk->ik', a, b)],
  ['geluTanh', [[2, 3]], (_, x) => T.gelu(x, { approximate: 'tanh' })],
];

for (const device of devices) {
  describe(`third composed functions match PyTorch, forward and backward (${device})`, () => {
    for (const [name, specs, f] of cases) {
      it(name, () => {
        scope(() => {
          const want = torchValues[name];
          const xs = specs.map((s, j) => input(s, j, device));
          const y = f(device, ...xs);
          expect(y.shape).toEqual(want.shape);
          expectClose(y.dataSync(), want.y, 1e-5, 1e-5, 'output');
          y.backward(tensor(Array.from({ length: y.numel }, (_, i) => Math.sin(0.71 * i + 0.4)), { shape: [...y.shape], device }));
          xs.forEach((x, j) => expectClose(x.grad!.dataSync(), want.g[j]!, 1e-5, 1e-5, `gradient of input ${j}`));
        });
      });
    }

    it('scatter, indexAdd, indexCopy on integers and bools; repeated indices', () => {
      scope(() => {
        const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int64', device });
        expect(ints(T.scatter(x, 1, long([[2], [0]], device), tensor([[9], [8]], { dtype: 'int64', device })))).toEqual([1, 2, 9, 8, 5, 6]);
        expect(ints(x.scatter(0, long([[1, 0, 1]], device), -7))).toEqual([1, -7, 3, -7, 5, -7]);
        const flags = tensor([false, false, false], { device });
        const set = T.scatter(flags, 0, long([2], device), tensor([true], { device }));
        expect(set.dtype).toBe('bool');
        expect(ints(set)).toEqual([0, 0, 1]);
        // Repeated indices: a number lands exactly; tensor values give their mean (PyTorch: undefined).
        expect(ints(T.scatter(T.zeros([3], { device }), 0, long([1, 1, 1], device), 0.1)).map((v) => Math.fround(v))).toEqual([0, Math.fround(0.1), 0]);
        expect(Array.from(T.scatter(T.zeros([3], { device }), 0, long([1, 1], device), tensor([2, 4], { device })).dataSync())).toEqual([0, 3, 0]);
        expect(ints(T.scatter(tensor([0, 0], { dtype: 'int32', device }), 0, long([0, 0], device), tensor([3, 4], { dtype: 'int32', device })))).toEqual([3, 0]);
        // src larger than index: only index's extent is read, the rest gets a zero gradient.
        const big = tensor([[1, 2, 3], [4, 5, 6]], { device, requiresGrad: true });
        const picked = T.scatter(T.zeros([2, 2], { device }), 1, long([[1], [0]], device), big);
        expect(ints(picked)).toEqual([0, 1, 4, 0]);
        picked.sum().backward();
        expect(ints(big.grad!)).toEqual([1, 0, 0, 1, 0, 0]);
        expect(ints(T.indexAdd(x, 0, long([1, 1], device), tensor([[1, 1, 1], [2, 2, 2]], { dtype: 'int64', device }), { alpha: 3 }))).toEqual([1, 2, 3, 13, 14, 15]);
        expect(ints(x.indexCopy(1, tensor([2, 0], { dtype: 'int32', device }), tensor([[7, 8], [9, 10]], { dtype: 'int64', device })))).toEqual([8, 2, 7, 10, 5, 9]);
        expect(ints(T.indexCopy(tensor(5, { device }), 0, long([0], device), tensor(2, { device })))).toEqual([2]);
        expect(T.scatter(x, 0, tensor([], { dtype: 'int64', shape: [0, 3], device }), 1)).not.toBe(x);
        expect(ints(T.repeatInterleave(x, tensor(2, { dtype: 'int64', device }), { dim: 0, outputSize: 4 }))).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6]);
        expect(T.repeatInterleave(x, 0, { dim: 1 }).shape).toEqual([2, 0]);
        expect(ints(T.amax(x, 1))).toEqual([3, 6]);
        expect(T.amin(x, 0).dtype).toBe('int64');
        expect(ints(T.amax(tensor([[true, false], [false, false]], { device }), 1))).toEqual([1, 0]);
      });
    });

    it('amax and amin: NaN wins, infinities keep their gradient, the value is the max itself', () => {
      scope(() => {
        const x = tensor([[1, NaN, 3], [Infinity, 2, Infinity], [0.1, 0.3, 0.3]], { device, requiresGrad: true });
        const y = T.amax(x, 1);
        expect(Array.from(y.dataSync())).toEqual([NaN, Infinity, Math.fround(0.3)]);
        y.sum().backward();
        expect(Array.from(x.grad!.dataSync())).toEqual([0, 0, 0, 0.5, 0, 0.5, 0, 0.5, 0.5]);
        expect(T.amin(tensor(4, { device })).itemSync()).toBe(4);
      });
    });

    it('randperm: a permutation of 0 … n−1, the same for a seed on every device', () => {
      scope(() => {
        for (const n of [0, 1, 7, 1000]) expect(ints(T.randperm(n, { device })).sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
        const p = T.randperm(5, { dtype: 'int32', device });
        expect(p.dtype).toBe('int32');
        expect(p.device.type).toBe(device.split(':')[0]);
        expect(T.randperm(4, { dtype: 'float32', device }).dtype).toBe('float32');
        const a = ints(T.randperm(50, { device, generator: new Generator(7) }));
        expect(ints(T.randperm(50, { device, generator: new Generator(7) }))).toEqual(a);
        expect(ints(T.randperm(50, { device: 'cpu', generator: new Generator(7) }))).toEqual(a);
        manualSeed(3);
        const b = ints(T.randperm(20, { device }));
        manualSeed(3);
        expect(ints(T.randperm(20, { device }))).toEqual(b);
        expect(ints(T.randperm(20, { device }))).not.toEqual(b);
      });
    });

    it('methods: expandAs, viewAs, typeAs, newZeros, newOnes, newFull; maskedFill with a tensor value', () => {
      scope(() => {
        const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'int64', device });
        expect(tensor([1, 2, 3], { device }).expandAs(x).shape).toEqual([2, 3]);
        expect(x.viewAs(T.zeros([3, 2])).shape).toEqual([3, 2]);
        expect(tensor([1.7, -2.5], { device }).typeAs(x).dtype).toBe('int64');
        expect(ints(tensor([1.7, -2.5], { device }).typeAs(x))).toEqual([1, -2]);
        const z = x.newZeros([2, 2]);
        expect([z.dtype, z.device, z.shape]).toEqual(['int64', x.device, [2, 2]]);
        expect(ints(x.newOnes(3))).toEqual([1, 1, 1]);
        expect(x.newOnes([1], { dtype: 'float32' }).dtype).toBe('float32');
        expect(ints(x.newFull([2], 7))).toEqual([7, 7]);
        expect(tensor([1], { device }).newFull([1], 0.5, { requiresGrad: true }).requiresGrad).toBe(true);
        expect(ints(x.maskedFill(x.gt(4), tensor(9.7, { device })))).toEqual([1, 2, 3, 4, 9, 9]);
        expect(ints(x.maskedFill(x.lt(2), tensor([-1], { dtype: 'int32', device })))).toEqual([-1, 2, 3, 4, 5, 6]);
        expect(ints(x.maskedFill(x.lt(2), tensor(-3)))).toEqual([-3, 2, 3, 4, 5, 6]); // a cpu value on any device, as PyTorch's
        const y = T.zeros([3], { device });
        y.maskedFill_(tensor([true, false, true], { device }), tensor(2, { device }));
        expect(ints(y)).toEqual([2, 0, 2]);
        expect(Array.from(T.gelu(tensor([1], { device }), 'tanh').dataSync())).toEqual(Array.from(T.gelu(tensor([1], { device }), { approximate: 'tanh' }).dataSync()));
        expect(Array.from(T.gelu(tensor([1], { device }), {}).dataSync())).toEqual(Array.from(T.gelu(tensor([1], { device })).dataSync()));
        expect(x.swapdims(0, 1).shape).toEqual([3, 2]);
        expect(T.moveaxis(x, 0, 0)).not.toBe(x);
      });
    });
  });
}

describe('randperm is uniform', () => {
  it('each of the 6 orders of 3 comes up about equally often', () => {
    const g = new Generator(123);
    const counts = new Map<string, number>();
    const draws = 3000;
    scope(() => {
      for (let i = 0; i < draws; i++) {
        const key = ints(T.randperm(3, { generator: g })).join('');
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    });
    expect(counts.size).toBe(6);
    // 500 expected each, standard deviation about 20: 5 sigma either side.
    for (const c of counts.values()) expect(Math.abs(c - draws / 6)).toBeLessThan(100);
    // Each value lands in each position of a longer permutation about equally often.
    const n = 8, rounds = 2000;
    const at = Array.from({ length: n }, () => Array<number>(n).fill(0));
    scope(() => {
      for (let i = 0; i < rounds; i++) ints(T.randperm(n, { generator: g })).forEach((v, pos) => at[v][pos]++);
    });
    for (const row of at) for (const c of row) expect(Math.abs(c - rounds / n)).toBeLessThan(75); // sd ≈ 14.8
  });
});

describe('refusals name the function and the argument', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const i = tensor([[0, 1, 0]], { dtype: 'int64' });
  it('scatter, indexAdd, indexCopy, repeatInterleave, randperm', () => {
    expect(() => T.scatter(x, 0, tensor([[0, 1, 0]]), 1)).toThrow(/^scatter: index expected int64 or int32, got float32$/);
    expect(() => T.scatter(x, 0, tensor([0], { dtype: 'int64' }), 1)).toThrow(/^scatter: index expected as many dimensions as input \(2\), got 1 \(index \[1\], input \[2,3\]\)$/);
    expect(() => T.scatter(x, 2, i, 1)).toThrow(/^scatter: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/);
    expect(() => T.scatter(x, 0, tensor([[0, 1, 0, 1]], { dtype: 'int64' }), 1)).toThrow(/^scatter: index \[1,4\] is larger than input \[2,3\] in dimension 1 \(only dimension 0 may be larger\)$/);
    expect(() => T.scatter(x, 0, i, tensor([[1, 2, 3]], { dtype: 'int64' }))).toThrow(/^scatter: src expected input's dtype float32, got int64$/);
    expect(() => T.scatter(x, 0, i, tensor([[1, 2]]))).toThrow(/^scatter: index \[1,3\] is larger than src \[1,2\] in dimension 1$/);
    expect(() => T.scatter(x, 0, i, tensor([1, 2, 3]))).toThrow(/^scatter: src expected as many dimensions as index \(2\), got 1 \(src \[3\], index \[1,3\]\)$/);
    expect(() => T.scatter(x, 0, i, 'a' as never)).toThrow(/^scatter: src expected a tensor or a number, got string$/);
    expect(() => T.scatter(x.long(), 0, i, 1.5e300)).toThrow(/^scatter: value 1.5e\+300 cannot be converted to int64 without overflow/);
    expect(() => x.scatter(0, i, 1, 2 as never)).toThrow(/^scatter: takes at most 3 arguments, got 4/);
    expect(() => T.indexAdd(x, 0, tensor([[0]], { dtype: 'int64' }), x)).toThrow(/^indexAdd: index expected a 1-d or 0-d tensor, got \[1,1\]$/);
    expect(() => T.indexAdd(x, 1, tensor([0, 2], { dtype: 'int64' }), T.zeros([2, 3]))).toThrow(/^indexAdd: source expected shape \[2,2\] \(input \[2,3\] with dim 1 the index's length 2\), got \[2,3\]$/);
    expect(() => T.indexAdd(x, 0, tensor([0], { dtype: 'int64' }), T.zeros([1, 3]), { scale: 2 } as never)).toThrow(/^indexAdd: unknown option 'scale' \(it takes 'alpha'\)$/);
    expect(() => T.indexAdd(x.long(), 0, tensor([0], { dtype: 'int64' }), T.zeros([1, 3], { dtype: 'int64' }), { alpha: 0.5 })).toThrow(/^indexAdd: option 'alpha' expected an integer for int64 input, got 0.5$/);
    expect(() => T.indexCopy(x, 0, tensor([0], { dtype: 'int64' }), T.zeros([1, 3], { dtype: 'int32' }))).toThrow(/^indexCopy: source expected input's dtype float32, got int32$/);
    expect(() => T.indexCopy(x, 0, tensor([0.0]), x)).toThrow(/^indexCopy: index expected int64 or int32, got float32$/);
    expect(() => T.repeatInterleave(x, -1)).toThrow(/^repeatInterleave: repeats expected a non-negative integer, got -1$/);
    expect(() => T.repeatInterleave(x, tensor([1, 2, 3], { dtype: 'int64' }), { dim: 0 })).toThrow(/^repeatInterleave: repeats expected a 0-d or 1-d tensor of 2 counts \(or one\), got \[3\]$/);
    expect(() => T.repeatInterleave(x, tensor([1, -2], { dtype: 'int64' }), { dim: 0 })).toThrow(/^repeatInterleave: repeats expected non-negative counts, got -2$/);
    expect(() => T.repeatInterleave(x, tensor([1.0]), { dim: 0 })).toThrow(/^repeatInterleave: repeats expected int64 or int32, got float32$/);
    expect(() => T.repeatInterleave(x, 2, { dim: 0, outputSize: 3 })).toThrow(/^repeatInterleave: option 'outputSize' expected the repeats' total 4, got 3$/);
    expect(() => T.repeatInterleave(x, 2, { axis: 0 } as never)).toThrow(/^repeatInterleave: unknown option 'axis' \(it takes 'dim', 'outputSize'\); did you mean 'dim'\?$/);
    expect(() => T.randperm(-1)).toThrow(/^randperm: n expected a non-negative integer, got -1$/);
    expect(() => T.randperm(2.5)).toThrow(/^randperm: n expected a non-negative integer, got 2.5$/);
    expect(() => T.randperm(3, { dtype: 'bool' })).toThrow(/^randperm: dtype expected int64, int32, uint8 or float32, got bool$/);
    expect(() => T.randperm(300, { dtype: 'uint8' })).toThrow(/^randperm: n expected at most 256 for uint8 \(its values must be exact\), got 300$/);
    expect(() => T.randperm(3, { generator: 7 } as never)).toThrow(/^randperm: option 'generator' expected a Generator, got 7$/);
    expect(() => T.randperm(3, { seed: 1 } as never)).toThrow(/^randperm: unknown option 'seed' \(it takes 'dtype', 'device', 'generator'\)$/);
  });

  it('amax, amin, movedim, swapaxes, unflatten, normalize, cosineSimilarity, pairwiseDistance', () => {
    expect(() => T.amax(x, 2)).toThrow(/^amax: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/);
    expect(() => T.amin(x, [0, 0])).toThrow(/^amin: dims \[0,0\] name a dimension twice$/);
    expect(() => T.amax(T.zeros([2, 0]), 1)).toThrow(/^amax: cannot reduce dim 1 of size 0 \(input \[2,0\]\); it has no identity$/);
    expect(() => T.amax(x, { dim: 1, keepDim: true } as never)).toThrow(/^amax: unknown option 'keepDim' \(it takes 'dim', 'keepdim'\); did you mean 'keepdim'\?$/);
    expect(() => x.amax(1, true as never)).toThrow(/^amax: takes at most 1 argument, got 2/);
    expect(() => T.movedim(x, [0, 1], [1])).toThrow(/^movedim: source and destination expected the same number of dims, got \[0,1\] and \[1\]$/);
    expect(() => T.movedim(x, [0, 0], [0, 1])).toThrow(/^movedim: source \[0,0\] names a dimension twice$/);
    expect(() => T.moveaxis(x, 0, 2)).toThrow(/^moveaxis: destination 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/);
    expect(() => T.swapaxes(x, 0, 3)).toThrow(/^swapaxes: dim1 3 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/);
    expect(() => x.swapdims(-3, 0)).toThrow(/^swapdims: dim0 -3 is out of range/);
    expect(() => T.unflatten(x, 1, [2, 2])).toThrow(/^unflatten: sizes \[2,2\] do not multiply to dim 1's size 3 \(input \[2,3\]\)$/);
    expect(() => T.unflatten(x, 1, [-1, -1])).toThrow(/^unflatten: sizes \[-1,-1\] may hold at most one -1$/);
    expect(() => T.unflatten(x, 1, [])).toThrow(/^unflatten: sizes expected a non-empty array of non-negative integers \(one may be -1\), got \[\]$/);
    expect(() => T.normalize(tensor([1, 2]))).toThrow(/^normalize: dim 1 is out of range for a tensor of rank 1 \(expected -1 to 0\)$/);
    expect(() => T.normalize(x, { p: 0 })).toThrow(/^normalize: option 'p' expected a number > 0 or Infinity, got 0$/);
    expect(() => T.normalize(x, { dim: 1, epsilon: 1 } as never)).toThrow(/^normalize: unknown option 'epsilon' \(it takes 'p', 'dim', 'eps'\)$/);
    expect(() => T.cosineSimilarity(x, T.zeros([3, 3]))).toThrow(/^cosineSimilarity: shapes \[2,3\] and \[3,3\] cannot be broadcast \(dimension 0: 2 vs 3\)$/);
    expect(() => T.cosineSimilarity(x, 1 as never)).toThrow(/^cosineSimilarity: x2 expected a tensor, got number$/);
    expect(() => T.cosineSimilarity(x, x, { dim: 2 })).toThrow(/^cosineSimilarity: dim 2 is out of range for a tensor of rank 2 \(expected -2 to 1\)$/);
    expect(() => T.pairwiseDistance(x, x, { p: -1 })).toThrow(/^pairwiseDistance: option 'p' expected a number > 0 or Infinity, got -1$/);
    expect(() => T.pairwiseDistance(x, tensor([1, 2]))).toThrow(/^pairwiseDistance: shapes \[2,3\] and \[2\] cannot be broadcast/);
    expect(() => T.pairwiseDistance(x.bool(), x)).toThrow(/^pairwiseDistance: x1 expected a float32 \(or integer\) tensor, got bool$/);
  });

  it('addmm, baddbmm, the methods, maskedFill, gelu, einsum', () => {
    expect(() => T.addmm(x, x, x)).toThrow(/^addmm: mat1 and mat2 cannot be multiplied: inner dimensions 3 and 2 differ \(mat1 \[2,3\], mat2 \[2,3\]\)$/);
    expect(() => T.addmm(x, tensor([1, 2]), x)).toThrow(/^addmm: mat1 and mat2 expected two matrices, got \[2\] and \[2,3\]$/);
    expect(() => T.addmm(T.zeros([3]), x, x.T)).toThrow(/^addmm: input \[3\] does not broadcast to \[2,2\] \(the product of mat1 \[2,3\] and mat2 \[3,2\]\)$/);
    expect(() => T.addmm(x.long(), x, x.T)).toThrow(/^addmm: input expected float32, got int64$/);
    expect(() => T.addmm(T.zeros([2]), x, x.T, { beta: 1, gamma: 2 } as never)).toThrow(/^addmm: unknown option 'gamma' \(it takes 'beta', 'alpha'\)$/);
    expect(() => T.addmm(T.zeros([2]), x, x.T, { alpha: NaN })).toThrow(/^addmm: option 'alpha' expected a number, got NaN$/);
    expect(() => T.baddbmm(T.zeros([1]), T.zeros([2, 1, 3]), T.zeros([3, 3, 1]))).toThrow(/^baddbmm: batch sizes differ: batch1 \[2,1,3\] and batch2 \[3,3,1\]$/);
    expect(() => T.baddbmm(T.zeros([1]), x, x)).toThrow(/^baddbmm: batch1 and batch2 expected two 3-d tensors, got \[2,3\] and \[2,3\]$/);
    expect(() => x.expandAs([2, 3] as never)).toThrow(/^expandAs: other expected a tensor, got object$/);
    expect(() => x.viewAs(T.zeros([4]))).toThrow(/^viewAs: this tensor's shape \[2,3\] \(6 elements\) cannot be viewed as other's \[4\] \(4\)$/);
    expect(() => x.expandAs(T.zeros([3, 2]))).toThrow(/^expandAs: this tensor's shape \[2,3\] does not broadcast to other's \[3,2\]$/);
    expect(() => x.newZeros([-1])).toThrow(/^newZeros: shape expected an array of non-negative integers, got \[-1\]$/);
    expect(() => x.newZeros(2, 3 as never)).toThrow(/^newZeros: pass the shape as one array, e\.g\. x\.newZeros\(\[2, 3\]\), got a number where the options go$/);
    expect(() => x.newOnes([2], { dtype: 'complex64' as never })).toThrow(/^newOnes: /);
    expect(() => x.long().newFull([2], 2 ** 70)).toThrow(/^newFull: value 1\.1805916207174113e\+21 cannot be converted to int64 without overflow/);
    expect(() => x.newFull([2], '1' as never)).toThrow(/^newFull: value expected a number, got string$/);
    expect(() => T.maskedFill(x, x.gt(1), tensor([1, 2]))).toThrow(/^maskedFill: value expected a number or a 0-d \(one-element\) tensor, got a tensor of shape \[2\]$/);
    expect(() => T.maskedFill(x, x.gt(1), '1' as never)).toThrow(/^maskedFill: value expected a number or a 0-d \(one-element\) tensor, got string$/);
    expect(() => T.maskedFill(x.long(), x.gt(1), Infinity)).toThrow(/^maskedFill: value Infinity cannot be converted to int64 without overflow/);
    expect(() => T.gelu(x, { approx: 'tanh' } as never)).toThrow(/^gelu: unknown option 'approx' \(it takes 'approximate'\)$/);
    expect(() => T.gelu(x, { approximate: 'erf' } as never)).toThrow(/^gelu: option 'approximate' expected one of 'none', 'tanh', got string erf$/);
    expect(() => T.einsum('b...,b...->c', x, x)).toThrow(/^einsum: output subscript 'c' appears in no operand of 'b\.\.\.,b\.\.\.->c'$/);
  });
});

describe('1-d pooling functions (F.max_pool1d …; nn.MaxPool1d … call them and are checked against PyTorch there)', () => {
  it('pool along the length of [N, C, L] or [C, L], with gradients', () => {
    scope(() => {
      const x = tensor([1, 5, 2, 4, 3, 0], { shape: [1, 1, 6], requiresGrad: true });
      expect(Array.from(T.maxPool1d(x, 2).dataSync())).toEqual([5, 4, 3]);
      expect(Array.from(T.avgPool1d(x, 3).dataSync())).toEqual([8 / 3, 7 / 3].map(Math.fround));
      expect(Array.from(T.adaptiveMaxPool1d(x, 1).dataSync())).toEqual([5]);
      expect(Array.from(T.adaptiveAvgPool1d(x, 2).dataSync())).toEqual([8 / 3, 7 / 3].map(Math.fround));
      expect(T.maxPool1d(tensor([[1, 2, 3, 4]]), 2, { stride: 1 }).shape).toEqual([1, 3]);
      T.maxPool1d(x, 2).sum().backward();
      expect(Array.from(x.grad!.dataSync())).toEqual([0, 1, 0, 1, 1, 0]);
      expect(() => T.maxPool1d(tensor([1, 2]), 2)).toThrow(/^maxPool1d: input expected \[N, C, L\] or unbatched \[C, L\], got \[2\]$/);
      expect(() => T.avgPool1d(x, 2, { padding: 2 })).toThrow(/^avgPool1d: padding 2 should be at most half of kernelSize 2$/);
      expect(() => T.maxPool1d(x, 0)).toThrow(/^maxPool1d: kernelSize expected an integer >= 1/);
    });
  });
});

describe("adaptiveMaxPool2d (a ResNet trial found it missing)", () => {
  // PyTorch 2.13: F.adaptive_max_pool2d of (arange(70) % 5) as [1, 2, 5, 7] (many ties), each
  // output weighted by 1, 2, 3 … in the backward.
  const torch = {"a": {"y": [3.0, 4.0, 4.0, 3.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 3.0, 4.0, 4.0, 3.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0], "shape": [1, 2, 3, 4], "dx": [0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 1.0, 8.0, 0.0, 0.0, 0.0, 4.0, 5.0, 0.0, 0.0, 0.0, 0.0, 15.0, 0.0, 0.0, 0.0, 0.0, 21.0, 0.0, 0.0, 0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 0.0, 12.0, 0.0, 0.0, 0.0, 0.0, 15.0, 0.0, 0.0, 0.0, 13.0, 32.0, 0.0, 0.0, 0.0, 16.0, 17.0, 0.0, 0.0, 0.0, 0.0, 39.0, 0.0, 0.0, 0.0, 0.0, 45.0, 0.0, 0.0, 0.0, 0.0, 21.0, 0.0, 0.0, 0.0, 0.0, 24.0]}, "b": {"y": [4.0, 3.0, 4.0, 3.0, 4.0, 4.0, 3.0, 4.0, 4.0, 3.0, 4.0, 3.0, 4.0, 4.0, 4.0, 3.0, 4.0, 3.0, 4.0, 4.0, 3.0, 4.0, 4.0, 3.0, 4.0, 3.0, 4.0, 4.0], "shape": [1, 2, 2, 7], "dx": [0.0, 0.0, 0.0, 4.0, 5.0, 0.0, 0.0, 0.0, 2.0, 3.0, 0.0, 0.0, 0.0, 7.0, 9.0, 0.0, 0.0, 0.0, 12.0, 19.0, 0.0, 0.0, 0.0, 10.0, 11.0, 0.0, 0.0, 0.0, 0.0, 9.0, 0.0, 0.0, 0.0, 0.0, 14.0, 0.0, 0.0, 0.0, 18.0, 19.0, 0.0, 0.0, 0.0, 16.0, 17.0, 0.0, 0.0, 0.0, 21.0, 37.0, 0.0, 0.0, 0.0, 26.0, 47.0, 0.0, 0.0, 0.0, 24.0, 25.0, 0.0, 0.0, 0.0, 0.0, 23.0, 0.0, 0.0, 0.0, 0.0, 28.0]}, "c": {"y": [4.0, 4.0], "shape": [1, 2, 1, 1], "dx": [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]}} as Record<string, { y: number[]; shape: number[]; dx: number[] }>;
  const sizes: Record<string, number | [number | null, number | null]> = { a: [3, 4], b: [2, null], c: 1 };
  for (const [name, size] of Object.entries(sizes)) {
    it(`outputSize ${JSON.stringify(size)}: values and the gradient to the first maximal element`, () => {
      T.scope(() => {
        const x = T.remainder(T.arange(70, { dtype: "float32" }), 5).reshape([1, 2, 5, 7]).requiresGrad_();
        const y = T.adaptiveMaxPool2d(x, size);
        expect(y.shape).toEqual(torch[name].shape);
        expect(Array.from(y.dataSync())).toEqual(torch[name].y);
        T.sum(T.mul(y, T.arange(1, y.numel + 1, { dtype: "float32" }).reshape(y.shape))).backward();
        expect(Array.from(x.grad!.dataSync())).toEqual(torch[name].dx);
      });
    });
  }
  it("refuses bad sizes and inputs", () => {
    expect(() => T.adaptiveMaxPool2d(T.ones([2, 3]), 1)).toThrow(/^adaptiveMaxPool2d: input expected \[N, C, H, W\] or unbatched \[C, H, W\], got \[2,3\]$/);
    expect(() => T.adaptiveMaxPool2d(T.ones([1, 2, 3]), [0, 1])).toThrow(/^adaptiveMaxPool2d: outputSize expected a positive integer or \[h, w\]/);
  });
});
