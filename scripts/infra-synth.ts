/**
 * npm run infra:synth: synthesizes every environment's CDKTF stacks into cdktf.out/ and says what it
 * wrote. INFRA_DIST_ROOT overrides the rendered tree the bootstrap stacks read (default `dist`).
 */
import { buildApp, describeSynth } from '../infra/app';
import { cliArgs } from './args';

cliArgs('infra:synth', 'npm run infra:synth', {}, () => undefined);

const started = performance.now();
const distRoot = process.env.INFRA_DIST_ROOT;
const { app } = buildApp(distRoot ? { distRoot } : {});
app.synth();
console.error(`infra:synth: ${describeSynth(app)} in ${Math.round(performance.now() - started)} ms`);
