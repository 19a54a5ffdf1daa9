/**
 * Token patterns: secretlint's recommended preset (pinned in package.json), run on every file
 * beside our own rules. It knows the shapes of cloud and SaaS credentials (AWS, GCP, GitHub, Slack,
 * npm, OpenAI, Anthropic, SendGrid, Shopify, Linear, 1Password), private keys with real key material,
 * basic-auth URLs and database connection strings. A finding's rule is `secretlint/<rule>`.
 *
 * 11.7 is the last secretlint release for Node 20 (12 and later require Node 22).
 */
import { lintSource, type SecretLintSourceOptions } from '@secretlint/core';
import { creator as recommended, rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { lineAt, redact, type SecretFinding, type TokenRule } from './rules';

const RULE_PREFIX = '@secretlint/secretlint-rule-';

const CONFIG: SecretLintSourceOptions['options']['config'] = {
  rules: [
    {
      id: `${RULE_PREFIX}preset-recommend`,
      rule: recommended,
      // Access key ids too (off by default): one alone is not a secret, but it marks a leaked pair.
      rules: [{ id: `${RULE_PREFIX}aws`, options: { enableIDScanRule: true } }],
    },
  ],
};

/** The preset's rules, as finding rule names. */
export const TOKEN_RULES: readonly TokenRule[] = recommendedRules.map((r) => tokenRule(r.meta.id));

function tokenRule(ruleId: string): TokenRule {
  return `secretlint/${ruleId.startsWith(RULE_PREFIX) ? ruleId.slice(RULE_PREFIX.length) : ruleId}`;
}

/** Every preset finding in one file, redacted like ours. */
export async function scanTokens(file: string, content: string): Promise<SecretFinding[]> {
  const result = await lintSource({
    source: { filePath: file, content, ext: file.slice(file.lastIndexOf('.')), contentType: 'text' },
    options: { config: CONFIG, maskSecrets: true, noPhysicFilePath: true },
  });
  // The same option reports 12-digit account ids, which every ARN and our config carry: not secrets.
  return result.messages.filter((m) => m.messageId !== 'AWSAccountID').map((m) => ({
    file,
    line: lineAt(content, m.range[0]),
    rule: tokenRule(m.ruleId),
    excerpt: redact(content.slice(m.range[0], m.range[1])),
  }));
}
