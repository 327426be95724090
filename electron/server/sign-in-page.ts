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
  body { font: 15px/1.5 system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; background: Canvas; color: CanvasText; }
  main { max-width: 28rem; padding: 2rem; border: 1px solid color-mix(in srgb, CanvasText 15%, transparent); border-radius: 12px; }
  h1 { font-size: 1.25rem; margin: 0 0 .5rem; }
  label { display: block; margin: 1rem 0 .25rem; font-weight: 600; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; }
  button { margin-top: 1rem; padding: .5rem 1rem; font: inherit; }
  .error { color: #c62828; }
  code { font-size: .9em; }
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
