/**
 * `<env>-certificate`: the ACM certificate for `*.<domain>` (every contract host is one label under
 * the domain; the apex is not served) validated by DNS through `env.dns`: a Route53 record in the
 * configured hosted zone, or a Cloudflare record in the configured zone (the seed's way; the API
 * token is the sensitive variable `cloudflare_api_token`). Its ARN is an output; put it in the
 * environment's `certificateArn` once known (the `alb` IngressClassParams read it from there).
 */
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmCertificateValidation } from '@cdktf/provider-aws/lib/acm-certificate-validation';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { Fn, TerraformOutput, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../config/types';
import { EnvStack } from '../common';

/** Validation records live this long (the seed's TTL). */
const VALIDATION_TTL = 60;

export class CertificateStack extends EnvStack {
  readonly certificate: AcmCertificate;

  constructor(scope: Construct, env: EnvironmentConfig) {
    super(scope, env, 'certificate');
    this.certificate = new AcmCertificate(this, 'wildcard', {
      domainName: `*.${env.domain}`,
      validationMethod: 'DNS',
      keyAlgorithm: 'RSA_2048',
      tags: { Name: `*.${env.domain}` },
      lifecycle: { createBeforeDestroy: true },
    });
    // One name on the certificate, hence exactly one validation record.
    const option = this.certificate.domainValidationOptions.get(0);
    const recordName = Fn.trimsuffix(option.resourceRecordName, '.');

    let fqdn: string;
    const dns = env.dns;
    switch (dns.kind) {
      case 'route53': {
        const record = new Route53Record(this, 'validation', {
          zoneId: dns.hostedZoneId,
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          records: [option.resourceRecordValue],
          ttl: VALIDATION_TTL,
          allowOverwrite: true,
        });
        fqdn = record.fqdn;
        break;
      }
      case 'cloudflare': {
        const token = new TerraformVariable(this, 'cloudflare_api_token', {
          type: 'string',
          sensitive: true,
          nullable: false,
          description: 'Cloudflare API token with DNS edit rights on the zone (validation record only)',
        });
        new CloudflareProvider(this, 'cloudflare', { apiToken: token.stringValue });
        new DnsRecord(this, 'validation', {
          zoneId: dns.zoneId,
          name: recordName,
          type: option.resourceRecordType,
          content: Fn.trimsuffix(option.resourceRecordValue, '.'),
          ttl: VALIDATION_TTL,
          proxied: false,
          comment: `ACM validation of *.${env.domain} (${env.clusterName})`,
        });
        fqdn = recordName;
        break;
      }
    }
    new AcmCertificateValidation(this, 'validated', {
      certificateArn: this.certificate.arn,
      validationRecordFqdns: [fqdn],
    });
    new TerraformOutput(this, 'certificate_arn', { value: this.certificate.arn });
  }
}
