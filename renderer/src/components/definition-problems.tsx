import type { ApiSourceValidation } from '../../../shared/contract';

/** What is wrong with an API source definition, each problem at its field path. */
export function DefinitionProblems({ problems }: { problems: ApiSourceValidation['problems'] }) {
  return (
    <ul className="problems">
      {problems.map((p, i) => (
        <li key={i} className="field-error">
          {p.path && <code>{p.path}</code>} {p.message}
        </li>
      ))}
    </ul>
  );
}
