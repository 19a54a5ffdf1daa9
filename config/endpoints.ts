/**
 * In-cluster endpoints one app serves and another calls. Declared here, beside the contract, so an
 * addon never imports another addon's file: the provider builds its Service from these names and
 * the consumer reads the URL.
 */
import { contract } from './contract';

const svc = (name: string, app: keyof typeof contract) => `${name}.${contract[app].namespace}.svc.cluster.local`;

/** SonarQube's web Service (chart release `sonarqube`). */
export const sonarqubeEndpoint = { service: 'sonarqube-sonarqube', port: 9000, url: `http://${svc('sonarqube-sonarqube', 'sonarqube')}:9000` } as const;

/**
 * Elasticsearch's HTTP Service (ECK names it `<resource>-es-http`), served over HTTPS with the
 * certificate ECK issues for it from a self-signed CA of its own.
 */
export const elasticsearchEndpoint = {
  resource: 'elasticsearch',
  service: 'elasticsearch-es-http',
  /** A name on the certificate: ECK adds `<service>.<namespace>.svc` and `<service>.<namespace>` for each HTTP Service. */
  host: `elasticsearch-es-http.${contract['eck-stack'].namespace}.svc`,
  port: 9200,
  /**
   * The Secret ECK writes beside the resource, `<resource>-es-http-certs-public`: the HTTP
   * certificate (`tls.crt`) and the CA that signed it (`ca.crt`), no private key. Clients verify against the CA.
   */
  caSecret: 'elasticsearch-es-http-certs-public',
  caKey: 'ca.crt',
} as const;
