/**
 * Lays JSON text out again — pretty-printed or compact — without turning it into JavaScript
 * values, so every number keeps the digits it was written with. Stored API records hold numbers
 * exactly as the API sent them (ids beyond 2^53, `1.50`); JSON.parse then JSON.stringify would
 * show 9007199254740993 as 9007199254740992. The layout is JSON.stringify's (`"key": value`,
 * `indent` spaces per level; 0 for one line); strings are kept as they are written.
 */

/** Throws a SyntaxError when `text` is not JSON. */
export function layoutJson(text: string, indent: number): string {
  JSON.parse(text); // validates; its values are not used
  const pad = ' '.repeat(indent);
  const newline = (depth: number) => (indent > 0 ? `\n${pad.repeat(depth)}` : '');
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i++) if (text[i] === '\\') i++;
      out += text.slice(start, i + 1);
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let next = i + 1;
      while (isSpace(text[next])) next++;
      if (text[next] === close) {
        out += c + close;
        i = next;
      } else out += c + newline(++depth);
    } else if (c === '}' || c === ']') {
      out += newline(--depth) + c;
    } else if (c === ',') {
      out += `,${newline(depth)}`;
    } else if (c === ':') {
      out += indent > 0 ? ': ' : ':';
    } else if (!isSpace(c)) {
      out += c;
    }
  }
  return out;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}
