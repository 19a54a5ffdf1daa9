/**
 * The Elasticsearch users of the apps that write to the ECK Elasticsearch of `eck-stack`: one user
 * per client app, each with its own least-privilege role. eck-stack creates the users (file realm),
 * their roles (`auth.roles`) and the RBAC that lets the client's namespace copy the HTTP CA; the
 * client logs in with the same names. Declared here so that neither app imports the other.
 */
import type { AppName, OwnParamKey } from './contract';

/** Index privileges (Elasticsearch 8 names) a client's role may grant. */
export type IndexPrivilege = 'create_doc' | 'create' | 'index' | 'write' | 'auto_configure' | 'create_index' | 'read' | 'view_index_metadata';

/** Privileges of a role on the indices matching its patterns. */
export interface IndexGrant {
  readonly names: readonly string[];
  readonly privileges: readonly IndexPrivilege[];
}

/** One client app's Elasticsearch user. */
export interface ElasticsearchClient {
  /** The file-realm user name. */
  readonly username: string;
  /** eck-stack's SSM parameter with the user's password (random, made by infra); the client lists it in `readsFrom`. */
  readonly passwordParam: OwnParamKey<'eck-stack'>;
  /** The user's only role: its name and index privileges (no cluster privileges). */
  readonly role: { readonly name: string; readonly indices: readonly IndexGrant[] };
  /** The ServiceAccount, in the client's namespace, that may read the HTTP CA Secret (and nothing else of eck-stack). */
  readonly caReader: string;
}

/** eck-stack's Role that lets the clients' CA readers `get` the HTTP CA Secret, and nothing else. */
export const CA_READER_ROLE = 'elasticsearch-ca-reader';

/** The RoleBinding of {@link CA_READER_ROLE} to the CA reader of one client namespace. */
export const caReaderBinding = (clientNamespace: string) => `${CA_READER_ROLE}-${clientNamespace}`;

/** Fluent Bit writes daily indices `<prefix>-YYYY.MM.DD` (Logstash_Format), and only those. */
export const FLUENT_BIT_INDEX_PREFIX = 'logstash';

/** Every Elasticsearch client, by app. */
export const elasticsearchClients = {
  fluent: {
    username: 'fluent-bit',
    passwordParam: 'fluent_bit_password',
    role: {
      name: 'fluent-bit-writer',
      // Fluent Bit's es output sends nothing but POST /_bulk with `create` actions (Write_Operation
      // create): create_doc allows exactly those. auto_configure lets a bulk write auto-create the
      // day's index and map new fields, without create_index's explicit create-index API (any
      // settings) or write's updates and deletes.
      indices: [{ names: [`${FLUENT_BIT_INDEX_PREFIX}-*`], privileges: ['create_doc', 'auto_configure'] }],
    },
    caReader: 'elasticsearch-ca-reader',
  },
} as const satisfies { readonly [A in AppName]?: ElasticsearchClient };

export type ElasticsearchClientApp = keyof typeof elasticsearchClients;
