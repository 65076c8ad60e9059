// CurveZMQ keys on disk: `lakeloop worker keygen` writes a pair as NAME.key (the secret,
// mode 0600, with its public half) and NAME.pub (the public key alone, to hand out);
// an allow list is a file of public keys, one per line, lines starting with "# " are comments.
//
// A mistake in a key setting is a one-line KeyError naming the setting, and never shows
// a value that may be a secret: a setting that holds a key (or a key file's text) where
// a path belongs is said to, without repeating it.
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { curveKeyPair } from "zeromq";

export interface KeyPair {
  publicKey: string;
  secretKey: string;
}

const Z85_KEY = /^[0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]{40}$/;

export function isZ85Key(text: string): boolean {
  return Z85_KEY.test(text);
}

/** A key setting that is wrong: shown as one line, never with a stack. */
export class KeyError extends Error {
  override name = "KeyError";
  readonly code = "BAD_KEY";
}

/**
 * Why a setting meant to name a key file cannot be read, without repeating it when it
 * may be a secret: a key or a key file's text put where the path belongs.
 */
function unreadable(value: string, setting: string, what: string, err: Error & { code?: string }): KeyError {
  const text = value.trim();
  if (!existsSync(value) && (isZ85Key(text) || /secret-key|public-key|\n/.test(value))) {
    return new KeyError(`${setting} holds a key (or a key file's text), not the path of ${what}: set it to the file's path; its value is not shown`);
  }
  const reason = err.code === "ENOENT" ? "no such file" : err.code === "EACCES" ? "permission denied" : err.code === "EISDIR" ? "it is a folder" : err.message;
  return new KeyError(`${setting}: cannot read ${what} ${value}: ${reason}`);
}

export async function writeKeyPair(dir: string, name: string): Promise<{ secretFile: string; publicFile: string; keys: KeyPair }> {
  const keys = curveKeyPair();
  await mkdir(dir, { recursive: true });
  const secretFile = path.join(dir, `${name}.key`);
  const publicFile = path.join(dir, `${name}.pub`);
  await writeFile(secretFile, `# lakeloop CurveZMQ key pair: keep this file secret\npublic-key = ${keys.publicKey}\nsecret-key = ${keys.secretKey}\n`, { mode: 0o600 });
  await chmod(secretFile, 0o600);
  await writeFile(publicFile, `${keys.publicKey}\n`);
  return { secretFile, publicFile, keys };
}

/** `setting`: where the path came from, for errors (LAKELOOP_CLIENT_KEY, --key). */
export async function readKeyPair(file: string, setting = "the key file setting"): Promise<KeyPair> {
  const text = await readFile(file, "utf8").catch((e: Error) => { throw unreadable(file, setting, "a key file", e); });
  const publicKey = /^public-key = (\S+)$/m.exec(text)?.[1];
  const secretKey = /^secret-key = (\S+)$/m.exec(text)?.[1];
  if (!publicKey || !secretKey || !isZ85Key(publicKey) || !isZ85Key(secretKey)) {
    throw new KeyError(`${setting}: ${file} is not a lakeloop key file with a secret key (the NAME.key that 'lakeloop worker keygen' writes, not NAME.pub)`);
  }
  return { publicKey, secretKey };
}

/** A public key given inline (40 Z85 characters) or as a .pub file. */
export async function readPublicKey(keyOrFile: string, setting = "the public key setting"): Promise<string> {
  if (isZ85Key(keyOrFile.trim())) return keyOrFile.trim();
  const text = (await readFile(keyOrFile, "utf8").catch((e: Error) => { throw unreadable(keyOrFile, setting, "a public key file", e); })).trim();
  const key = /^public-key = (\S+)$/m.exec(text)?.[1] ?? text;
  if (!isZ85Key(key)) throw new KeyError(`${setting}: ${keyOrFile} holds no CurveZMQ public key (40 Z85 characters)`);
  return key;
}

export async function readAllowList(file: string): Promise<Set<string>> {
  const text = await readFile(file, "utf8").catch((e: Error) => { throw unreadable(file, "--allow", "an allow list", e); });
  if (/^secret-key\s*=/m.test(text)) throw new KeyError(`--allow: ${file} is a key file with a secret key, not an allow list: list the clients' public keys (their .pub files' lines)`);
  const keys = new Set<string>();
  for (const [n, raw] of text.split("\n").entries()) {
    // `#` is a Z85 character too: only whole lines starting with "# " are comments.
    const line = raw.trim();
    if (!line || line.startsWith("# ")) continue;
    if (!isZ85Key(line)) throw new KeyError(`${file} line ${n + 1}: not a CurveZMQ public key (40 Z85 characters)`);
    keys.add(line);
  }
  return keys;
}
