/**
 * Removes secrets from every message an API source produces: tokens, passwords, API keys and
 * client secrets from the definition (resolved from their references) and tokens obtained at
 * run time (OAuth2 access tokens), in the forms they travel in — as they are, URL-encoded, and
 * base64 inside a Basic `Authorization` header.
 */

export const REDACTED = '[redacted]';

export class SecretRedactor {
  private readonly secrets = new Set<string>();
  private ordered: string[] = [];

  add(secret: string | undefined): void {
    if (secret === undefined || secret.length === 0) return;
    for (const form of [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ]) {
      this.secrets.add(form);
    }
    // Longest first, so a secret that contains another is removed whole.
    this.ordered = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  addBasicCredentials(username: string, password: string): void {
    this.add(password);
    this.add(Buffer.from(`${username}:${password}`).toString('base64'));
  }

  /** Whether `text` holds a secret in any of the forms it travels in. */
  containsSecret(text: string): boolean {
    return this.ordered.some((secret) => text.includes(secret));
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.ordered) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }
}
