/** Small shared pieces: highlighted code, error and loading states, the confirmation dialog. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type SchemaById } from './api';
import { href } from './router';
import { highlight } from './highlight';

export function Code({ text, language, label }: { text: string; language: string; label: string }) {
  return (
    <pre class="code" tabIndex={0} aria-label={label}>
      <code class={`hljs language-${language}`} dangerouslySetInnerHTML={{ __html: highlight(text, language) }} />
    </pre>
  );
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return <Code text={JSON.stringify(value, null, 2)} language="json" label={label} />;
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.code ? `${error.message} (error ${error.code})` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <p class="error" role="alert">
      {describeError(error)}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Badge({ children, tone = 'plain', title }: { children: ComponentChildren; tone?: 'plain' | 'warn' | 'bad' | 'good'; title?: string }) {
  return (
    <span class={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export interface ConfirmOptions {
  title: string;
  body: ComponentChildren;
  confirm: string;
  danger?: boolean;
  /** The user must type this text to enable the confirm button. */
  typeToConfirm?: string;
}

/** A modal confirmation (`<dialog>`: focus stays inside, Escape cancels). `ask` resolves true when confirmed. */
export function useConfirm(): [JSX.Element | null, (options: ConfirmOptions) => Promise<boolean>] {
  const [pending, setPending] = useState<{ options: ConfirmOptions; resolve: (ok: boolean) => void } | undefined>();
  const ask = (options: ConfirmOptions) => new Promise<boolean>((resolve) => setPending({ options, resolve }));
  const element = pending ? (
    <ConfirmDialog
      key={pending.options.title}
      options={pending.options}
      done={(ok) => {
        setPending(undefined);
        pending.resolve(ok);
      }}
    />
  ) : null;
  return [element, ask];
}

function ConfirmDialog({ options, done }: { options: ConfirmOptions; done: (ok: boolean) => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  const ready = options.typeToConfirm === undefined || typed === options.typeToConfirm;
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        done(false);
      }}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ready) done(true);
        }}
      >
        <h2 id="confirm-title">{options.title}</h2>
        <div class="dialog-body">{options.body}</div>
        {options.typeToConfirm !== undefined && (
          <label class="field">
            Type <code>{options.typeToConfirm}</code> to confirm
            <input value={typed} onInput={(e) => setTyped(e.currentTarget.value)} autoComplete="off" spellcheck={false} />
          </label>
        )}
        <div class="actions">
          <button type="button" onClick={() => done(false)} autoFocus>
            Cancel
          </button>
          <button type="submit" class={options.danger ? 'danger' : 'primary'} disabled={!ready}>
            {options.confirm}
          </button>
        </div>
      </form>
    </dialog>
  );
}

/** `<h1>` plus the document title. */
export function Title({ children, text }: { children?: ComponentChildren; text: string }) {
  useEffect(() => {
    document.title = `${text} · Schemata`;
  }, [text]);
  return <h1>{children ?? text}</h1>;
}

export const FORMATS = ['AVRO', 'PROTOBUF', 'JSON'] as const;
export const formatName = (type: string) => (type === 'AVRO' ? 'Avro' : type === 'PROTOBUF' ? 'Protobuf' : 'JSON Schema');

export function FormatOptions() {
  return (
    <>
      {FORMATS.map((f) => (
        <option key={f} value={f}>
          {formatName(f)}
        </option>
      ))}
    </>
  );
}

/** References (links to the versions they name), metadata and rule set of a schema; `always`: say "None." for no references. */
export function SchemaExtras({ schema, always }: { schema: Pick<SchemaById, 'references' | 'metadata' | 'ruleSet'>; always: boolean }) {
  const refs = schema.references ?? [];
  return (
    <>
      {(always || refs.length > 0) && <h3>References</h3>}
      {refs.length > 0 ? (
        <ul class="refs">
          {refs.map((r) => (
            <li key={r.name}>
              <code>{r.name}</code> → <a href={href(['subjects', r.subject], { v: r.version })}>{`${r.subject} version ${r.version}`}</a>
            </li>
          ))}
        </ul>
      ) : (
        always && <p class="muted">None.</p>
      )}
      {schema.metadata && (
        <>
          <h3>Metadata</h3>
          <JsonBlock value={schema.metadata} label="Metadata" />
        </>
      )}
      {schema.ruleSet && (
        <>
          <h3>Rule set</h3>
          <JsonBlock value={schema.ruleSet} label="Rule set" />
        </>
      )}
    </>
  );
}
