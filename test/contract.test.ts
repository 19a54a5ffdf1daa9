import { describe, expect, it } from 'vitest';
import { allParameters, allServiceAccounts, checkContract, contract, contractProblems, hostName, paramOwner, roleArn, roleName, ssmParameterName, ssmReaderName } from '../config/contract';

describe('infra ↔ charts contract', () => {
  it('derives SSM names under /<cluster>/<app>/<key>, following readsFrom to the owner', () => {
    expect(ssmParameterName('django-prod', 'django', 'db_password')).toBe('/django-prod/django/db_password');
    expect(ssmParameterName('django-prod', 'fluent', 'eck-stack/fluent_bit_password')).toBe('/django-prod/eck-stack/fluent_bit_password');
  });

  it('derives role names and ARNs from the ServiceAccount', () => {
    expect(roleName('django-prod', 'jenkins', 'jenkins')).toBe('django-prod-jenkins');
    expect(roleArn({ clusterName: 'django-prod', accountId: '222222222222' }, 'django', 'django-ssm-reader')).toBe('arn:aws:iam::222222222222:role/django-prod-django-ssm-reader');
    expect(ssmReaderName('prometheus')).toBe('prometheus-ssm-reader');
  });

  it('derives hosts from the domain', () => {
    expect(hostName('example.com', 'prometheus', 'grafana')).toBe('grafana.example.com');
  });

  it('rejects references the contract does not declare (at run time, for values built dynamically)', () => {
    expect(() => paramOwner('django', 'db_pasword' as never)).toThrow('django: unknown SSM key "db_pasword" (known: db_host, db_port, db_name, db_username, db_password, app_db_password, secret_key)');
    expect(() => paramOwner('django', 'eck-stack/elastic_password' as never)).toThrow('not in its readsFrom list');
  });

  it('reports, at run time, every value the types cannot see is wrong', () => {
    const saved = structuredClone(contract.prometheus);
    const p = contract.prometheus as unknown as Record<string, any>;
    try {
      p.hosts = { grafana: 'argocd' };
      p.readsFrom = ['django/db_pasword'];
      p.namespace = 'Prometheus';
      expect(contractProblems()).toEqual([{ field: 'prometheus.namespace', message: 'must be a DNS-1123 label (lowercase letters, digits and "-", at most 63 characters), got "Prometheus"' }]);
      p.namespace = 'prometheus';
      expect(contractProblems()).toEqual([
        { field: 'prometheus.hosts.grafana', message: 'host "argocd" is also declared by argocd/server' },
        { field: 'prometheus.readsFrom[0]', message: '"django/db_pasword" names no declared parameter; did you mean "django/db_password"?' },
      ]);
    } finally {
      Object.assign(contract.prometheus, saved);
    }
  });

  it('is consistent: unique hosts and accounts, readers for every app that reads SSM', () => {
    expect(() => checkContract()).not.toThrow();
    const names = allServiceAccounts().map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const p of allParameters()) if (p.spec.source.kind === 'random') expect(p.spec.secure).toBe(true);
  });

  it('is typed: misspelt keys, accounts and hosts do not compile (checked by npm run typecheck)', () => {
    const typeOnly = () => {
      // @ts-expect-error unknown SSM key
      ssmParameterName('c', 'django', 'db_pasword');
      // @ts-expect-error another app's key without readsFrom
      ssmParameterName('c', 'django', 'eck-stack/elastic_password');
      // @ts-expect-error unknown ServiceAccount
      roleName('c', 'jenkins', 'jenkin');
      // @ts-expect-error unknown host
      hostName('example.com', 'prometheus', 'grafna');
    };
    void typeOnly; // never called: its body is what the compiler checks
    // The same calls spelt right give the names infra creates.
    expect([ssmParameterName('c', 'django', 'db_password'), ssmParameterName('c', 'jenkins', 'sonarqube/analysis_password'), roleName('c', 'jenkins', 'jenkins'), hostName('example.com', 'prometheus', 'grafana')])
      .toEqual(['/c/django/db_password', '/c/sonarqube/analysis_password', 'c-jenkins', 'grafana.example.com']);
  });
});
