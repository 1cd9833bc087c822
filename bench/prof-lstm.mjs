import * as T from '@nutshell/tensor';
const threads = Number(process.argv[2] ?? 1); const mode = process.argv[3] ?? 'fwd'; const reps = Number(process.argv[4] ?? 100);
T.setNumThreads(threads);
const [S, B, I, H] = [50, 32, 128, 256];
const bw = mode === 'fwdbwd';
const w = { weight_ih_l0: T.randn([4 * H, I], { requiresGrad: bw }), weight_hh_l0: T.randn([4 * H, H], { requiresGrad: bw }), bias_ih_l0: T.randn([4 * H], { requiresGrad: bw }), bias_hh_l0: T.randn([4 * H], { requiresGrad: bw }) };
const x = T.randn([S, B, I], { requiresGrad: bw });
const gy = T.randn([S, B, H]);
const run = () => { if (bw) { for (const t of [x, ...Object.values(w)]) t.grad = null; T.scope(() => T.lstm(x, w).output.backward(gy)); } else { const y = T.scope(() => T.lstm(x, w).output); y.dispose(); } };
for (let i = 0; i < 5; i++) { run(); await T.synchronize?.(); }
const ts = [];
for (let i = 0; i < reps; i++) { const a = performance.now(); run(); await x.data(); ts.push(performance.now() - a); }
ts.sort((a, b) => a - b);
console.log(`${mode} ${threads}t: p10 ${ts[Math.floor(reps * 0.1)].toFixed(2)} median ${ts[reps >> 1].toFixed(2)} ms`);
