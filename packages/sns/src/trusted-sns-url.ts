/**
 * Host pattern of genuine SNS endpoints, as in AWS's JS and PHP validators: commercial, GovCloud and
 * China (`.amazonaws.com.cn`) regions. Anchored at both ends and on `sns.` so that look-alikes such as
 * `sns.us-east-1.amazonaws.com.evil.example` or `evilsns.us-east-1.amazonaws.com`, and S3-hosted PEMs
 * under `*.amazonaws.com`, do not pass.
 */
export const DEFAULT_SNS_HOST_PATTERN = /^sns\.[a-zA-Z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

/**
 * Which hosts may serve signing certificates and subscribe URLs: a pattern tested against the whole
 * host name (anchor it yourself), or an allow-list of exact host names (e.g. `['sns.us-east-1.amazonaws.com']`
 * to pin the DRS region, or a test host for the simulator).
 */
export type SnsHostRule = RegExp | readonly string[];

/**
 * Origins, exactly as `URL.origin` writes them (`http://127.0.0.1:8090`), trusted to serve certificates and
 * subscribe URLs over plain http and on a port, besides the host rule. Only for a bridge wired to the DRS
 * simulator in development, which has neither https nor an SNS host name; production leaves it empty.
 * Every other rule (user info, query, fragment, `.pem`, canonical form) still applies to them.
 */
export type InsecureOrigins = readonly string[];

/** Result of checking one URL: the parsed URL, or why it is refused (naming the part at fault). */
export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** True when `host` (lower-case, as `URL.hostname` gives it) passes the rule. */
export function hostPassesRule(host: string, rule: SnsHostRule = DEFAULT_SNS_HOST_PATTERN): boolean {
  if (rule instanceof RegExp) {
    // A global or sticky pattern keeps `lastIndex` between calls and would answer differently each time.
    const pattern = rule.global || rule.sticky ? new RegExp(rule.source, rule.flags.replace(/[gy]/g, '')) : rule;
    return pattern.test(host);
  }
  return rule.includes(host.toLowerCase());
}

/**
 * Checks a `SigningCertURL`: https only, no user info, no port, no query or fragment, a host passing the
 * rule, a path ending in `.pem`, and written in canonical form (so that what we check is exactly what a
 * client would fetch: no backslashes, tabs, explicit `:443` or other spellings a URL parser rewrites).
 */
export function checkSigningCertUrl(raw: string, rule?: SnsHostRule, insecureOrigins?: InsecureOrigins): UrlCheck {
  const base = checkSnsUrl('SigningCertURL', raw, rule, 'whole', insecureOrigins);
  if (!base.ok) return base;
  const { url } = base;
  if (url.search !== '' || raw.includes('?')) return refuse('SigningCertURL', raw, 'must not have a query');
  if (!url.pathname.endsWith('.pem')) return refuse('SigningCertURL', raw, 'path must end with .pem');
  return base;
}

/**
 * Checks a confirmation's `SubscribeURL` before anyone GETs it (otherwise a forged message is a
 * server-side request forgery): https, no user info, no port, no fragment, a host passing the same rule.
 * The query (`?Action=ConfirmSubscription&...`) is expected.
 */
export function checkSubscribeUrl(raw: string, rule?: SnsHostRule, insecureOrigins?: InsecureOrigins): UrlCheck {
  // Only the authority must be canonical: the query carries the ARN and token as SNS wrote them, and a
  // URL parser may re-encode some of their characters without changing where the request goes.
  return checkSnsUrl('SubscribeURL', raw, rule, 'authority', insecureOrigins);
}

function checkSnsUrl(
  field: string,
  raw: string,
  rule: SnsHostRule | undefined,
  canonical: 'whole' | 'authority',
  insecureOrigins: InsecureOrigins = [],
): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse(field, raw, 'is not a URL');
  }
  const trustedInsecure = insecureOrigins.includes(url.origin);
  if (url.protocol !== 'https:' && !trustedInsecure) {
    return refuse(field, raw, `must use https, not ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username !== '' || url.password !== '' || authorityOf(raw).includes('@')) {
    return refuse(field, raw, 'must not contain user info');
  }
  if (!trustedInsecure && (url.port !== '' || /:\d*$/.test(authorityOf(raw)))) {
    return refuse(field, raw, 'must not name a port');
  }
  if (url.hash !== '' || raw.includes('#')) return refuse(field, raw, 'must not have a fragment');
  if (!trustedInsecure && !hostPassesRule(url.hostname, rule)) {
    return refuse(field, raw, `host ${url.hostname} is not an allowed SNS host`);
  }
  const isCanonical = canonical === 'whole' ? url.href === raw : authorityOf(raw).toLowerCase() === url.host;
  if (!isCanonical) return refuse(field, raw, 'is not in canonical form');
  return { ok: true, url };
}

/** The raw authority (between `//` and the first `/`, `\`, `?` or `#`), before any URL normalisation. */
function authorityOf(raw: string): string {
  const start = raw.indexOf('//');
  if (start === -1) return '';
  const rest = raw.slice(start + 2);
  const end = rest.search(/[/\\?#]/);
  return end === -1 ? rest : rest.slice(0, end);
}

function refuse(field: string, raw: string, problem: string): UrlCheck {
  return { ok: false, reason: `${field} ${JSON.stringify(truncate(raw))} ${problem}` };
}

function truncate(value: string): string {
  return value.length > 200 ? `${value.slice(0, 200)}...` : value;
}
