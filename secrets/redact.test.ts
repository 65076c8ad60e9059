import { describe, expect, it } from "vitest";
import { redact, redactorFor, secretsOf } from "./redact.js";

const env = {
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIBexample",
  AWS_REGION: "eu-west-1",
  LAKELOOP_TOKEN: "short",
};

describe("redact", () => {
  it("replaces the values of credential-like variables wherever they appear, and nothing else", () => {
    const text = `S3 said: signature mismatch for ${env.AWS_SECRET_ACCESS_KEY} with token ${env.AWS_SESSION_TOKEN} in eu-west-1`;
    const out = redact(text, secretsOf(env));
    expect(out).toBe("S3 said: signature mismatch for [redacted] with token [redacted] in eu-west-1");
  });

  it("masks secret shapes whatever their source: key ids, signed URLs, auth headers, URL passwords, key files", () => {
    const redactNothing = (t: string) => redact(t, []);
    expect(redactNothing("access key AKIAIOSFODNN7EXAMPLE refused")).toBe("access key AKIA[redacted] refused");
    expect(redactNothing("GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAX%2F2024&X-Amz-Signature=abcdef0123&x=1"))
      .toBe("GET https://b.s3.amazonaws.com/k?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&x=1");
    expect(redactNothing("Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=00ff")).toBe("Authorization: [redacted]");
    expect(redactNothing("endpoint http://admin:hunter22@minio:9000 refused")).toBe("endpoint http://admin:[redacted]@minio:9000 refused");
    expect(redactNothing("secret-key = rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7")).toBe("secret-key = [redacted]");
    expect(redactNothing("env AWS_SECRET_ACCESS_KEY=abc123xyz and MY_TOKEN: t0k3n")).toBe("env AWS_SECRET_ACCESS_KEY=[redacted] and MY_TOKEN: [redacted]");
  });

  it("leaves ordinary text alone (short values, names without a value, non-secret variables)", () => {
    const text = "Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the profile, or the instance role; region eu-west-1; token short";
    expect(redact(text, secretsOf(env))).toBe(text);
  });

  it("hides an extra secret (the worker's CURVE key) and a secret inside a longer one whole", () => {
    const curveSecret = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    const scrub = redactorFor({ A_SECRET: "abcdefgh", B_SECRET: "abcdefghijkl" }, [curveSecret]);
    expect(scrub(`key ${curveSecret} and abcdefghijkl and abcdefgh`)).toBe("key [redacted] and [redacted] and [redacted]");
  });
});
