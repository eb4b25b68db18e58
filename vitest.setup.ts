// Property tests run from a fixed seed so CI is reproducible; FC_SEED=random explores new cases,
// FC_SEED=<n> replays one. A failing run prints its seed and path either way.
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed ? Number(seed) : 20261127 });
