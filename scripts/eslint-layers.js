// A tiny local ESLint plugin: `no-restricted-imports` checks static imports only, so this rule
// applies the same `{ group, message }` patterns (gitignore syntax, as that rule reads them) to
// `await import('…')`, which the engine and the CLI use to load code lazily.
import ignore from 'ignore';

const noRestrictedDynamicImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Refuses dynamic imports that no-restricted-imports would refuse' },
    schema: [
      {
        type: 'object',
        properties: {
          patterns: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                group: { type: 'array', items: { type: 'string' } },
                message: { type: 'string' },
              },
              required: ['group'],
            },
          },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const patterns = (context.options[0]?.patterns ?? []).map((p) => ({
      matcher: ignore({ allowRelativePaths: true }).add(p.group),
      message: p.message ?? 'This import is not allowed here.',
    }));
    return {
      ImportExpression(node) {
        const source = node.source;
        if (source.type !== 'Literal' || typeof source.value !== 'string') return;
        const hit = patterns.find((p) => p.matcher.ignores(source.value));
        if (hit)
          context.report({
            node,
            message: `'${source.value}' import is restricted: ${hit.message}`,
          });
      },
    };
  },
};

export default { rules: { 'no-restricted-dynamic-imports': noRestrictedDynamicImports } };
