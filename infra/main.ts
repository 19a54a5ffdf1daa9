/**
 * `npm run infra:synth`: synthesizes every environment's stacks into cdktf.out/.
 * INFRA_DIST_ROOT overrides the rendered tree the bootstrap stacks read (default `dist`).
 */
import { buildApp } from './app';

const distRoot = process.env.INFRA_DIST_ROOT;
const { app } = buildApp(distRoot ? { distRoot } : {});
app.synth();
