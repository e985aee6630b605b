package dev.portcullis.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every Portcullis setting name, declared once, with its default. The same names are servlet
 * init-params, properties-file keys, context-params, system properties and (as
 * {@code PORTCULLIS_...}, see {@link Settings#environmentName(String)}) environment variables;
 * the README's configuration table lists the same names.
 *
 * <p>Each further issuer listed in {@link #ISSUERS} is configured under
 * {@code portcullis.issuers.<name>.} with the suffixes of the primary issuer's settings
 * ({@code issuer}, {@code audience}, {@code jwks-uri}, {@code discovery-uri}, {@code jwks-file},
 * {@code public-key-file}, {@code hmac-secret}, {@code algorithms}, {@code required-type},
 * {@code principal-prefix}, {@code dpop-mode}).
 *
 * <p>Thread safety: constants only.
 */
public final class SettingNames {
    /** Exact {@code iss} value of the primary trusted issuer. Default: none (required unless {@link #ISSUERS} is set). */
    public static final String ISSUER = "portcullis.issuer";
    /** Names of more issuers, each configured under {@code portcullis.issuers.<name>.} with the same suffixes as the primary issuer. Default: none. */
    public static final String ISSUERS = "portcullis.issuers";
    /** What policies see before the primary issuer's subjects in {@code P.id}; a listed issuer's {@code portcullis.issuers.<name>.principal-prefix} defaults to {@code <name>:}. Default: none ({@code none} also means none). */
    public static final String PRINCIPAL_PREFIX = "portcullis.principal-prefix";
    /** Accepted {@code aud} value(s), comma-separated. Default: none (required). */
    public static final String AUDIENCE = "portcullis.audience";
    /** JWKS URL (https, or http on loopback). Default: none. */
    public static final String JWKS_URI = "portcullis.jwks-uri";
    /** OpenID Connect discovery URL (its {@code jwks_uri} is used; its {@code issuer} must match). Default: none. */
    public static final String DISCOVERY_URI = "portcullis.discovery-uri";
    /** Local JWKS file. Default: none. */
    public static final String JWKS_FILE = "portcullis.jwks-file";
    /** Local PEM file of public keys. Default: none. */
    public static final String PUBLIC_KEY_FILE = "portcullis.public-key-file";
    /** HMAC secret (at least 32 bytes; {@code base64:} prefix for binary); only with HS algorithms. Default: none. */
    public static final String HMAC_SECRET = "portcullis.hmac-secret";
    /** Accepted JWS algorithms; {@code none} is never accepted. Default: {@code RS256,PS256,ES256,EdDSA} ({@code HS256} with a secret). */
    public static final String ALGORITHMS = "portcullis.algorithms";
    /** JCA provider for signature verification: {@code auto} (the Amazon Corretto Crypto Provider when on the class path, else the JDK), {@code jdk}, or a provider name; an absent named provider fails startup. Default: {@code auto}. */
    public static final String CRYPTO_PROVIDER = "portcullis.crypto.provider";
    /** Required {@code typ} header, e.g. {@code at+jwt}. Default: none. */
    public static final String REQUIRED_TYPE = "portcullis.required-type";
    /** DPoP (RFC 9449) for the primary issuer: {@code off}, {@code allowed} or {@code required}; a listed issuer's is {@code portcullis.issuers.<name>.dpop-mode}. Default: {@code off}. */
    public static final String DPOP_MODE = "portcullis.dpop-mode";
    /** Algorithms accepted for DPoP proofs (asymmetric only). Default: {@code ES256,PS256,RS256,EdDSA}. */
    public static final String DPOP_ALGORITHMS = "portcullis.dpop.algorithms";
    /** Oldest accepted DPoP proof ({@code iat}), plus the clock skew; also how long a {@code jti} is remembered. Default: {@code 60s}. */
    public static final String DPOP_MAX_AGE = "portcullis.dpop.max-age";
    /** The application's external base URL (scheme, host, port, optional path prefix) for {@code htu} behind a reverse proxy. Default: none (the URL the container sees). */
    public static final String DPOP_EXTERNAL_URL = "portcullis.dpop.external-url";
    /** Secret (at least 32 bytes) for stateless server nonces; set, every proof needs a current {@code nonce}. Default: none (no nonces). */
    public static final String DPOP_NONCE_SECRET = "portcullis.dpop.nonce-secret";
    /** How long a server nonce stays valid (it is accepted for up to twice this). Default: {@code 5m}. */
    public static final String DPOP_NONCE_LIFETIME = "portcullis.dpop.nonce-lifetime";
    /** Bound of the DPoP {@code jti} replay cache (per node; shared through the cluster when {@code portcullis.attributes.cache.cluster-uri} is set). Default: {@code 100000}. */
    public static final String DPOP_REPLAY_CACHE_ENTRIES = "portcullis.dpop.replay-cache-entries";
    /** Allowed clock skew for {@code exp}/{@code nbf}/{@code iat}. Default: {@code 30s} (at most {@code 5m}). */
    public static final String CLOCK_SKEW = "portcullis.clock-skew";
    /** Longest accepted {@code exp - iat}. Default: {@code 1h}. */
    public static final String MAX_TOKEN_LIFETIME = "portcullis.max-token-lifetime";
    /** Token size limit, checked before any decoding. Default: {@code 4096}. */
    public static final String MAX_TOKEN_BYTES = "portcullis.max-token-bytes";
    /** Decoded JOSE header size limit. Default: {@code 1024}. */
    public static final String MAX_HEADER_BYTES = "portcullis.max-header-bytes";
    /** Accept {@code access_token} in the query or form; risk: tokens leak into access logs. Default: {@code false}. */
    public static final String ALLOW_INSECURE_QUERY_PARAMETER_TOKENS = "portcullis.allow-insecure-query-parameter-tokens";
    /** Key cache lifetime without {@code Cache-Control: max-age}. Default: {@code 10m}. */
    public static final String JWKS_CACHE_TTL = "portcullis.jwks.cache-ttl";
    /** Minimum time between key fetches (unknown {@code kid}). Default: {@code 30s}. */
    public static final String JWKS_REFRESH_INTERVAL = "portcullis.jwks.refresh-interval";
    /** How long the last good keys are used while the endpoint fails. Default: {@code 24h}. */
    public static final String JWKS_STALE_IF_ERROR = "portcullis.jwks.stale-if-error";
    /** Deadline for a whole key or discovery fetch. Default: {@code 5s}. */
    public static final String JWKS_TIMEOUT = "portcullis.jwks.timeout";
    /** Largest key or discovery document. Default: {@code 262144}. */
    public static final String JWKS_MAX_BYTES = "portcullis.jwks.max-bytes";
    /** Remember verified tokens (by their whole string) until {@code exp}. Default: {@code true}. */
    public static final String TOKEN_CACHE_ENABLED = "portcullis.token-cache.enabled";
    /** Verified tokens kept. Default: {@code 10000}. */
    public static final String TOKEN_CACHE_MAX_ENTRIES = "portcullis.token-cache.max-entries";
    /** Longest a verified token is remembered. Default: {@code 5m}. */
    public static final String TOKEN_CACHE_TTL = "portcullis.token-cache.ttl";
    /** Paths within the application (after the context path) that need no token. Default: none. */
    public static final String PUBLIC_PATHS = "portcullis.public-paths";
    /** Realm of the {@code WWW-Authenticate} challenge (servlet filter and JAX-RS feature). Default: {@code portcullis}. */
    public static final String REALM = "portcullis.realm";
    /** Route table for servlet endpoints (YAML). Default: none. */
    public static final String ROUTES = "portcullis.routes";
    /** Path of the revocation endpoint, authorized as {@code revoke} on {@code portcullis}. Default: none (off). */
    public static final String ADMIN_REVOKE_PATH = "portcullis.admin.revoke-path";
    /** Path of the Shared Signals push endpoint (RFC 8935), served by the servlet filter. Default: none (off). */
    public static final String SIGNALS_PUSH_PATH = "portcullis.signals.push-path";
    /** The bearer token the transmitter authenticates pushes with (at least 32 characters). Default: none (required with the push path). */
    public static final String SIGNALS_PUSH_TOKEN = "portcullis.signals.push-token";
    /** The transmitter's {@code /.well-known/ssf-configuration} URL (its {@code issuer} and {@code jwks_uri} are used). Default: none. */
    public static final String SIGNALS_CONFIGURATION_URI = "portcullis.signals.configuration-uri";
    /** The transmitter's issuer ({@code iss} of its SETs), without a configuration URL. Default: none. */
    public static final String SIGNALS_ISSUER = "portcullis.signals.issuer";
    /** The transmitter's JWKS URL, without a configuration URL. Default: none. */
    public static final String SIGNALS_JWKS_URI = "portcullis.signals.jwks-uri";
    /** The {@code aud} every SET must carry (the receiver's stream audience). Default: none (required). */
    public static final String SIGNALS_AUDIENCE = "portcullis.signals.audience";
    /** JWS algorithms accepted for SETs. Default: {@code RS256,PS256,ES256,EdDSA}. */
    public static final String SIGNALS_ALGORITHMS = "portcullis.signals.algorithms";
    /** Token issuers whose subjects this transmitter may revoke ({@code iss_sub} identifiers). Default: the transmitter's issuer. */
    public static final String SIGNALS_SUBJECT_ISSUERS = "portcullis.signals.subject-issuers";
    /** What event types do, e.g. {@code <event-type-uri>=ignore}; each of {@code revoke}, {@code evict}, {@code ignore}. Default: see README. */
    public static final String SIGNALS_ACTIONS = "portcullis.signals.actions";
    /** Oldest {@code iat} accepted for a SET or logout token. Default: {@code PT5M}. */
    public static final String SIGNALS_MAX_AGE = "portcullis.signals.max-age";
    /** Largest request body the push and logout endpoints read; larger is refused 413. Default: {@code 65536}. */
    public static final String SIGNALS_MAX_BODY_BYTES = "portcullis.signals.max-body-bytes";
    /** Pushes and logouts handled at once; more are answered 429. Default: {@code 4}. */
    public static final String SIGNALS_MAX_CONCURRENT = "portcullis.signals.max-concurrent";
    /** The stream's poll endpoint (RFC 8936); a background thread polls it. Default: none (off). */
    public static final String SIGNALS_POLL_URI = "portcullis.signals.poll-uri";
    /** The bearer token the poll client authenticates with. Default: none (required with the poll URL). */
    public static final String SIGNALS_POLL_TOKEN = "portcullis.signals.poll-token";
    /** Time between polls. Default: {@code PT30S}. */
    public static final String SIGNALS_POLL_INTERVAL = "portcullis.signals.poll-interval";
    /** Most SETs asked for per poll ({@code maxEvents}). Default: {@code 100}. */
    public static final String SIGNALS_POLL_MAX_EVENTS = "portcullis.signals.poll-max-events";
    /** Path of the OpenID Connect Back-Channel Logout endpoint, served by the servlet filter. Default: none (off). */
    public static final String BACKCHANNEL_LOGOUT_PATH = "portcullis.backchannel-logout.path";
    /** The {@code aud} logout tokens must carry (this application's client id at the provider). Default: none (required with the path). */
    public static final String BACKCHANNEL_LOGOUT_AUDIENCE = "portcullis.backchannel-logout.audience";
    /** Path of the health endpoint (status for anyone, details for action {@code health} on {@code portcullis}). Default: none (off). */
    public static final String ADMIN_HEALTH_PATH = "portcullis.admin.health-path";
    /** {@code enforce}, {@code report} or {@code off} for authorization claims. Default: {@code enforce}. */
    public static final String HYGIENE_AUTHORIZATION = "portcullis.hygiene.authorization";
    /** {@code enforce}, {@code report} or {@code off} for personal-data claims. Default: {@code enforce}. */
    public static final String HYGIENE_PERSONAL_DATA = "portcullis.hygiene.personal-data";
    /** More forbidden claim names, e.g. {@code authorization:tenant_roles,personal-data:ssn}. Default: none. */
    public static final String HYGIENE_EXTRA_FORBIDDEN = "portcullis.hygiene.extra-forbidden";
    /** Strict allowlist: only identity claims and these ({@code none}: identity only). Default: off. */
    public static final String HYGIENE_ALLOW_ONLY = "portcullis.hygiene.allow-only";
    /** Claims in the payload (and members of nested objects). Default: {@code 32}. */
    public static final String HYGIENE_MAX_CLAIMS = "portcullis.hygiene.max-claims";
    /** Length of any string value. Default: {@code 256}. */
    public static final String HYGIENE_MAX_STRING_LENGTH = "portcullis.hygiene.max-string-length";
    /** Length of any array. Default: {@code 32}. */
    public static final String HYGIENE_MAX_ARRAY_LENGTH = "portcullis.hygiene.max-array-length";
    /** Nesting depth (a top-level value is depth 1). Default: {@code 4}. */
    public static final String HYGIENE_MAX_DEPTH = "portcullis.hygiene.max-depth";
    /** {@code jdbc}, {@code file}, {@code none}, or the class name of an application's {@code AttributeSource} (public constructor taking {@link Settings}, or none). Default: {@code none}. */
    public static final String ATTRIBUTES_SOURCE = "portcullis.attributes.source";
    /** JNDI name of the DataSource. Default: none. */
    public static final String ATTRIBUTES_JDBC_JNDI = "portcullis.attributes.jdbc.jndi";
    /** JDBC URL (pool owned by Portcullis). Default: none. */
    public static final String ATTRIBUTES_JDBC_URL = "portcullis.attributes.jdbc.url";
    /** Database user. Default: none. */
    public static final String ATTRIBUTES_JDBC_USERNAME = "portcullis.attributes.jdbc.username";
    /** Database password. Default: none. */
    public static final String ATTRIBUTES_JDBC_PASSWORD = "portcullis.attributes.jdbc.password";
    /** HikariCP pool size. Default: {@code 4}. */
    public static final String ATTRIBUTES_JDBC_POOL_SIZE = "portcullis.attributes.jdbc.pool-size";
    /** Custom principal SQL with {@code :issuer}, {@code :subject}. Default: the shipped schema's. */
    public static final String ATTRIBUTES_JDBC_PRINCIPAL_QUERY = "portcullis.attributes.jdbc.principal-query";
    /** Custom roles SQL with {@code :issuer}, {@code :subject}. Default: the shipped schema's. */
    public static final String ATTRIBUTES_JDBC_ROLES_QUERY = "portcullis.attributes.jdbc.roles-query";
    /** Custom attributes SQL with {@code :issuer}, {@code :subject}. Default: the shipped schema's. */
    public static final String ATTRIBUTES_JDBC_ATTRIBUTES_QUERY = "portcullis.attributes.jdbc.attributes-query";
    /** With several issuers, accept custom queries that ignore {@code :issuer}; risk: principals of two issuers with the same subject get each other's attributes. Default: {@code false}. */
    public static final String ATTRIBUTES_JDBC_ALLOW_INSECURE_SUBJECT_ONLY_QUERIES = "portcullis.attributes.jdbc.allow-insecure-subject-only-queries";
    /** JDBC query timeout. Default: {@code 2s}. */
    public static final String ATTRIBUTES_JDBC_QUERY_TIMEOUT = "portcullis.attributes.jdbc.query-timeout";
    /** YAML/JSON file of principals. Default: none. */
    public static final String ATTRIBUTES_FILE = "portcullis.attributes.file";
    /** How often the principals file is checked for changes. Default: {@code 2s}. */
    public static final String ATTRIBUTES_FILE_CHECK_INTERVAL = "portcullis.attributes.file-check-interval";
    /** Attribute freshness. Default: {@code 30s}. */
    public static final String ATTRIBUTES_CACHE_TTL = "portcullis.attributes.cache.ttl";
    /** Heap entries of the attribute cache. Default: {@code 10000}. */
    public static final String ATTRIBUTES_CACHE_MAX_ENTRIES = "portcullis.attributes.cache.max-entries";
    /** Off-heap tier size. Default: {@code 0} (off). */
    public static final String ATTRIBUTES_CACHE_OFFHEAP_MB = "portcullis.attributes.cache.offheap-mb";
    /** Caching of unknown subjects. Default: {@code 5s}. */
    public static final String ATTRIBUTES_CACHE_NEGATIVE_TTL = "portcullis.attributes.cache.negative-ttl";
    /** How long past its TTL a cached principal is served while the store fails. Default: {@code 60s}. */
    public static final String ATTRIBUTES_CACHE_STALE_WINDOW = "portcullis.attributes.cache.stale-window";
    /** A slower load counts as a failure. Default: {@code 2s}. */
    public static final String ATTRIBUTES_CACHE_LOAD_TIMEOUT = "portcullis.attributes.cache.load-timeout";
    /** {@code Retry-After} of 503 answers. Default: {@code 5s}. */
    public static final String ATTRIBUTES_CACHE_RETRY_AFTER = "portcullis.attributes.cache.retry-after";
    /** Threads that run attribute loads. Default: {@code 4}. */
    public static final String ATTRIBUTES_CACHE_LOADER_THREADS = "portcullis.attributes.cache.loader-threads";
    /** Your own Ehcache XML configuration. Default: none. */
    public static final String ATTRIBUTES_CACHE_EHCACHE_XML = "portcullis.attributes.cache.ehcache-xml";
    /** Cache alias in that XML. Default: {@code portcullis-attributes}. */
    public static final String ATTRIBUTES_CACHE_EHCACHE_ALIAS = "portcullis.attributes.cache.ehcache-alias";
    /** {@code terracotta://host:port/entity}: share the cache and revocations across nodes. Default: unset. */
    public static final String ATTRIBUTES_CACHE_CLUSTER_URI = "portcullis.attributes.cache.cluster-uri";
    /** The Terracotta server's off-heap resource. Default: {@code main}. */
    public static final String ATTRIBUTES_CACHE_CLUSTER_RESOURCE = "portcullis.attributes.cache.cluster-resource";
    /** Size of the clustered attributes tier. Default: {@code 32}. */
    public static final String ATTRIBUTES_CACHE_CLUSTER_MB = "portcullis.attributes.cache.cluster-mb";
    /** Longest cluster read or write. Default: {@code 1s}. */
    public static final String ATTRIBUTES_CACHE_CLUSTER_TIMEOUT = "portcullis.attributes.cache.cluster-timeout";
    /** Cerbos policy directory, {@code /WEB-INF/...} or {@code classpath:...}. Default: none (every decision denies). */
    public static final String POLICY_DIR = "portcullis.policy.dir";
    /** Watch the policy directory and swap in new policies. Default: {@code false}. */
    public static final String POLICY_RELOAD = "portcullis.policy.reload";
    /** A condition that fails at run time: {@code strict} (denies) or {@code lenient} (Cerbos's default: not satisfied). Default: {@code strict}. */
    public static final String POLICY_EVALUATION = "portcullis.policy.evaluation";
    /** YAML or JSON file (path or {@code classpath:...}) of engine globals, {@code G}/{@code globals} in CEL. Default: none. */
    public static final String POLICY_GLOBALS = "portcullis.policy.globals";
    /** Search up to the nearest existing scope when no policy has the requested one. Default: {@code false}. */
    public static final String POLICY_LENIENT_SCOPE_SEARCH = "portcullis.policy.lenient-scope-search";
    /** Attributes that fail a policy's schemas: {@code reject}, {@code warn} or {@code none}. Default: {@code reject}. */
    public static final String POLICY_SCHEMA_ENFORCEMENT = "portcullis.policy.schema-enforcement";
    /** Principal attribute whose value is the principal's policy scope ({@code P.scope}). Default: none. */
    public static final String POLICY_PRINCIPAL_SCOPE_ATTRIBUTE = "portcullis.policy.principal-scope-attribute";
    /** Class name of the {@code ResourceResolver} loading resource attributes. Default: none. */
    public static final String RESOURCE_RESOLVER = "portcullis.resource-resolver";
    /** Decision log queue size. Default: {@code 10000}. */
    public static final String DECISION_LOG_CAPACITY = "portcullis.decision-log.capacity";
    /** A full decision log queue: {@code drop} or {@code block}. Default: {@code drop}. */
    public static final String DECISION_LOG_OVERFLOW = "portcullis.decision-log.overflow";
    /** With {@code overflow=block}, the longest a request waits for room (1 ms to 10 s). Default: {@code 100ms}. */
    public static final String DECISION_LOG_BLOCK_TIMEOUT = "portcullis.decision-log.block-timeout";
    /**
     * Where the decision lines go: {@code logger} (the {@code portcullis.decision} SLF4J logger at
     * INFO), {@code stdout}, {@code stderr} or a file (appended); the last three as plain JSON lines
     * written a batch at a time. Default: {@code logger}.
     */
    public static final String DECISION_LOG_OUTPUT = "portcullis.decision-log.output";
    /** JAX-RS methods without annotations: {@code deny}, {@code authenticated} or {@code permit}. Default: {@code authenticated}. */
    public static final String JAXRS_UNANNOTATED = "portcullis.jaxrs.unannotated";
    /** {@code false} keeps a scanned ({@code @Provider}) {@code PortcullisFeature} from registering. Default: {@code true}. */
    public static final String JAXRS_AUTO_REGISTER = "portcullis.jaxrs.auto-register";
    /** URL patterns of the filter registered from {@code portcullis.properties}. Default: {@code /*}. */
    public static final String URL_PATTERNS = "portcullis.url-patterns";
    /** Dispatcher types of that registration. Default: {@code REQUEST}. */
    public static final String DISPATCHER_TYPES = "portcullis.dispatcher-types";
    /** {@code false} turns the {@code portcullis.properties} initializer off. Default: {@code true}. */
    public static final String AUTO_REGISTER = "portcullis.auto-register";

    private static final Set<String> ALL = collect();

    private SettingNames() {
    }

    /** Every setting name declared here, sorted. */
    public static Set<String> all() {
        return ALL;
    }

    private static Set<String> collect() {
        Set<String> names = new TreeSet<>();
        for (Field f : SettingNames.class.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isPublic(m) && Modifier.isStatic(m) && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }
}
