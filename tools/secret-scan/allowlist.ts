/**
 * Findings that are not secrets, each with the reason it is not one (reviewed like code). An entry
 * that no longer matches anything is reported as stale by the scan.
 */
import type { AllowlistEntry } from './rules';

export const SECRET_SCAN_ALLOWLIST: readonly AllowlistEntry[] = [
  {
    file: 'django-todo/todo_site/env.py',
    rule: 'source-literal-credential',
    reason:
      'DEV_SECRET_KEY is the local-development fallback "django-insecure-dev-only-key-…": the ' +
      '"django-insecure-" prefix makes Django\'s own deploy check reject it, secret_key() returns it ' +
      'only when DEBUG is on and raises ImproperlyConfigured when DEBUG is off (todo/tests/test_env.py), ' +
      'and every deployed Django container runs with DEBUG=false and SECRET_KEY from the Secret an ' +
      'ExternalSecret fills from SSM /<cluster>/django/secret_key (asserted in test/secret-scan.test.ts).',
  },
  {
    file: 'test/fixtures/charts/demo/templates/secret.yaml',
    rule: 'k8s-secret-data',
    reason:
      'Helm test chart: a Secret with the dummy value "fixture", rendered only with secretData=true, ' +
      'to prove that synth refuses rendered Secrets that carry data (test/render.test.ts).',
  },
];
