// Secrets never leave in words: any text the worker logs or sends back (errors, stacks)
// passes through here, and the values of credential-like environment variables (S3
// keys, session tokens) and the worker's own CURVE secret are replaced by [redacted].
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|ACCESS_KEY|CREDENTIAL|PRIVATE/i;

export function secretsOf(env: NodeJS.ProcessEnv, extra: string[] = []): string[] {
  const values = Object.entries(env).filter(([name, value]) => SECRET_NAME.test(name) && value && value.length >= 8).map(([, value]) => value!);
  return [...values, ...extra.filter((v) => v.length >= 8)].sort((a, b) => b.length - a.length);
}

export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out;
}
