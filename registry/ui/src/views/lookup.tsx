/**
 * A schema by id: what the five bytes `00 00 00 00 2A` that start a record point at (magic byte 0, then
 * the id big-endian), with the subjects and versions that hold it.
 */
import { useState } from 'preact/hooks';
import { api, typeOf, type SchemaById } from '../api';
import { Code, ErrorBox, formatName, Loading, SchemaExtras, Title } from '../components';
import { languageOf, pretty } from '../highlight';
import { useLoad } from '../load';
import { href, navigate } from '../router';

/** `42`, or the bytes of a record's header in hex (`00 00 00 00 2a`, `0x000000002A`). */
export function parseSchemaRef(input: string): { id: number } | { error: string } {
  const text = input.trim();
  if (/^\d+$/.test(text)) return { id: Number(text) };
  const hex = text.replace(/0x/gi, '').replace(/[\s,:]/g, '');
  if (/^[0-9a-f]+$/i.test(hex) && hex.length >= 10 && hex.length % 2 === 0) {
    if (hex.slice(0, 2) !== '00') return { error: `The first byte is 0x${hex.slice(0, 2)}, not the magic byte 0x00 of Confluent's wire format.` };
    return { id: parseInt(hex.slice(2, 10), 16) };
  }
  return { error: 'Enter a schema id (42) or the first five bytes of a record in hex (00 00 00 00 2a).' };
}

export function LookupView({ id }: { id: number | undefined }) {
  const [input, setInput] = useState(id === undefined ? '' : String(id));
  const [inputError, setInputError] = useState<string>();
  return (
    <section>
      <Title text="Schema by id" />
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = parseSchemaRef(input);
          if ('error' in parsed) return setInputError(parsed.error);
          setInputError(undefined);
          navigate(href(['schemas', parsed.id]));
        }}
      >
        <label class="field grow">
          Schema id or record bytes
          <input name="id" value={input} onInput={(e) => setInput(e.currentTarget.value)} placeholder="42 or 00 00 00 00 2a" autoComplete="off" spellcheck={false} />
        </label>
        <button type="submit" class="primary">
          Look up
        </button>
      </form>
      {inputError && (
        <p class="error" role="alert">
          {inputError}
        </p>
      )}
      {id !== undefined && <SchemaDetails id={id} key={id} />}
    </section>
  );
}

function SchemaDetails({ id }: { id: number }) {
  const loaded = useLoad(async () => {
    const [schema, versions] = await Promise.all([
      api<SchemaById>('GET', `schemas/ids/${id}`),
      api<{ subject: string; version: number }[]>('GET', `schemas/ids/${id}/versions?deleted=true`),
    ]);
    return { schema, versions };
  }, [id]);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!loaded.data) return <Loading what={`schema ${id}`} />;
  const { schema, versions } = loaded.data;
  const type = typeOf(schema);
  const bytes = [0, (id >>> 24) & 255, (id >>> 16) & 255, (id >>> 8) & 255, id & 255].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return (
    <article class="panel" aria-labelledby="schema-title">
      <h2 id="schema-title">Schema {id}</h2>
      <dl class="facts">
        <div>
          <dt>Format</dt>
          <dd>{formatName(type)}</dd>
        </div>
        {schema.guid && (
          <div>
            <dt>GUID</dt>
            <dd>
              <code>{schema.guid}</code>
            </dd>
          </div>
        )}
        <div>
          <dt>Record header</dt>
          <dd>
            <code>{bytes}</code>
          </dd>
        </div>
      </dl>
      <h3>Held by</h3>
      {versions.length === 0 ? (
        <p class="muted">No subject version holds it.</p>
      ) : (
        <ul class="refs" data-testid="holders">
          {versions.map((v) => (
            <li key={`${v.subject}/${v.version}`}>
              <a href={href(['subjects', v.subject], { v: v.version })}>
                {v.subject} version {v.version}
              </a>
            </li>
          ))}
        </ul>
      )}
      <Code text={pretty(schema.schema, type)} language={languageOf(type)} label={`Schema ${id}`} />
      <SchemaExtras schema={schema} always={false} />
    </article>
  );
}
