/**
 * Entry point of `npm run synth` and `npx cdk8s synth`: renders every environment (or those named
 * with `--env dev,prod`) into dist/. Prints one clear error and exits 1 on bad input; dist/ is then
 * untouched.
 */
import { synthToDist } from './synth/synth-to-dist';

function envArg(): string[] | undefined {
  const i = process.argv.indexOf('--env');
  if (i < 0) return undefined;
  return (process.argv[i + 1] ?? '').split(',').filter(Boolean);
}

function distArg(): string | undefined {
  const i = process.argv.indexOf('--dist');
  return i < 0 ? undefined : process.argv[i + 1];
}

const distDir = distArg();
synthToDist({ environments: envArg(), ...(distDir ? { distDir } : {}), log: (line) => console.error(line) })
  .then((summary) => console.error(summary))
  .catch((e: Error) => {
    console.error(`synth failed: ${e.message}`);
    process.exit(1);
  });
