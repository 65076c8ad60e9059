// Secrets never leave in words: any text the worker logs or sends back (errors, stacks)
// and any error a session shows passes through here. Two nets, because either alone
// misses something: the values of credential-like environment variables (S3 keys,
// session tokens) and the CURVE secret keys in use are replaced wherever they appear,
// and shapes that are secrets whatever their source (AWS access key ids, signed-URL
// parameters, Authorization headers, passwords in URLs, key-file lines) are masked.
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|ACCESS_KEY|CREDENTIAL|PRIVATE|API_KEY/i;

const SHAPES: [RegExp, string][] = [
  // AWS access key ids (long-term AKIA…, temporary ASIA…): keep the 4-letter kind only.
  [/\b(AKIA|ASIA|AIDA|AROA|AGPA)[A-Z0-9]{12,}\b/g, "$1[redacted]"],
  // Signed URLs and SigV4 headers: signature, credential scope, session token.
  [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, "$1[redacted]"],
  // A header's value runs to the end of its line (SigV4's has commas in it).
  [/((?:x-amz-security-token|authorization)\s*[:=]\s*)[^\r\n"']+/gi, "$1[redacted]"],
  [/(Signature=)[0-9a-f]{16,}/gi, "$1[redacted]"],
  // user:password@host in any URL.
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, "$1[redacted]@"],
  // Lines of a lakeloop key file, and NAME=value of credential-like variables.
  [/(secret-key\s*=\s*)\S+/gi, "$1[redacted]"],
  [/(\b[A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|ACCESS_KEY)[A-Z0-9_]*\s*[=:]\s*)[^\s,;"']+/g, "$1[redacted]"],
];

/** Does a variable of this name hold a credential (by its name: AWS_SECRET_ACCESS_KEY, …_TOKEN, …)? */
export function isCredentialName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Values worth hiding: credential-like environment variables and the given extras (CURVE secret keys). */
export function secretsOf(env: NodeJS.ProcessEnv, extra: string[] = []): string[] {
  const values = Object.entries(env).filter(([name, value]) => isCredentialName(name) && value && value.length >= 8).map(([, value]) => value!);
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set([...values, ...extra.filter((v) => v.length >= 8)])].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}

/** A redact function bound to this environment's secrets (computed once). */
export function redactorFor(env: NodeJS.ProcessEnv, extra: string[] = []): (text: string) => string {
  const secrets = secretsOf(env, extra);
  return (text) => redact(text, secrets);
}
