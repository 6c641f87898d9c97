/** A compatibility verdict and Confluent's verbose messages (each one a line as the registry sends it). */
import type { CompatibilityResult } from '../api';

export function Verdict({ result, level, subjectLine }: { result: CompatibilityResult; level: string | undefined; subjectLine: string }) {
  const messages = result.messages ?? [];
  return (
    <div class={`verdict ${result.is_compatible ? 'verdict-ok' : 'verdict-bad'}`} role="status" data-testid="verdict">
      <p class="verdict-line">
        <strong>{result.is_compatible ? 'Compatible' : 'Not compatible'}</strong> — {subjectLine}
        {level ? (
          <>
            {' '}
            under <strong>{level}</strong>
          </>
        ) : null}
        .
      </p>
      {messages.length > 0 && (
        <ul class="messages" aria-label="Compatibility messages">
          {messages.map((m, i) => (
            <li key={i}>
              <code>{m}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
