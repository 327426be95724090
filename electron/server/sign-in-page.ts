/**
 * The only page a visitor without the token gets: a prompt for the address `cairn serve`
 * printed. It carries no data, no script, and the UI's bundle is not served before sign-in.
 */
export function signInPage(styleNonce: string, failed: boolean): string {
  const notice = failed
    ? '<p class="error" role="alert">That token is not valid for this server.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Sign in · Cairn</title>
<style nonce="${styleNonce}">
  :root { color-scheme: light dark; --bg: #f6f7f9; --surface: #fff; --border: #dfe3e8; --text: #1b1f24; --muted: #5f6b7a; --accent: #2f6f62; --on-accent: #fff; }
  @media (prefers-color-scheme: dark) { :root { --bg: #111417; --surface: #191d21; --border: #2e353d; --text: #e6e9ed; --muted: #98a2ae; --accent: #5cb8a3; --on-accent: #0c1512; } }
  body { font: 14px/1.5 system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; background: var(--bg); color: var(--text); }
  main { width: min(28rem, calc(100vw - 2rem)); box-sizing: border-box; padding: 2rem; background: var(--surface); border: 1px solid var(--border); border-radius: 12px; }
  h1 { font-size: 1.3rem; margin: 0 0 .5rem; }
  p { color: var(--muted); }
  label { display: block; margin: 1rem 0 .3rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem .65rem; font: 13px ui-monospace, monospace; border: 1px solid var(--border); border-radius: 8px; background: var(--surface); color: var(--text); }
  button { margin-top: 1rem; width: 100%; padding: .55rem 1rem; font: inherit; font-weight: 600; border: 0; border-radius: 8px; background: var(--accent); color: var(--on-accent); cursor: pointer; }
  .error { color: #c62828; }
  code { font-size: .9em; white-space: nowrap; }
</style>
</head>
<body>
<main data-testid="sign-in">
  <h1>Sign in to Cairn</h1>
  <p>Open the address that <code>cairn serve</code> printed — it ends in <code>?token=…</code> — or paste its token here.</p>
  ${notice}
  <form method="get" action="/">
    <label for="token">Access token</label>
    <input id="token" name="token" autocomplete="off" required data-testid="sign-in-token">
    <button type="submit" data-testid="sign-in-submit">Sign in</button>
  </form>
</main>
</body>
</html>
`;
}
