/**
 * Paste or upload a candidate schema, test it against the subject (`/compatibility/...?verbose=true`) and,
 * after a confirmation, register it. Registering is off while the subject is read-only.
 */
import { useState } from 'preact/hooks';
import { api, isReadOnly, seg, subjectLevel, subjectMode, typeOf, type CompatibilityResult, type SchemaReference, type SchemaType } from '../api';
import { describeError, ErrorBox, FormatOptions, Loading, Title, useConfirm } from '../components';
import { useLoad } from '../load';
import { href } from '../router';
import { loadVersion, loadVersions } from './subject';
import { Verdict } from './verdict';

export function CandidateView({ subject }: { subject: string }) {
  const context = useLoad(async () => {
    const versions = await loadVersions(subject).catch(() => ({ all: [] as number[], live: new Set<number>() }));
    const latestVersion = [...versions.live].pop();
    const [latest, level, mode] = await Promise.all([
      latestVersion === undefined ? undefined : loadVersion(subject, latestVersion),
      subjectLevel(subject),
      subjectMode(subject),
    ]);
    return { versions, latest, level: level.effective, mode: mode.effective };
  }, [subject]);
  const [schema, setSchema] = useState('');
  const [type, setType] = useState<SchemaType | undefined>();
  const [references, setReferences] = useState('');
  const [against, setAgainst] = useState('');
  const [result, setResult] = useState<{ verdict: CompatibilityResult; against: string } | undefined>();
  const [error, setError] = useState<unknown>();
  const [registered, setRegistered] = useState<{ id: number; version?: number } | undefined>();
  const [busy, setBusy] = useState(false);
  const [dialog, ask] = useConfirm();

  if (context.error) return <ErrorBox error={context.error} />;
  const c = context.data;
  if (!c) return <Loading what={subject} />;
  const schemaType = type ?? (c.latest ? typeOf(c.latest) : 'AVRO');
  const readOnly = isReadOnly(c.mode);

  const body = (): { schema: string; schemaType: SchemaType; references: SchemaReference[] } => {
    let refs: SchemaReference[] = [];
    if (references.trim() !== '') {
      try {
        refs = JSON.parse(references) as SchemaReference[];
      } catch (e) {
        throw new Error(`References must be a JSON array of {"name","subject","version"}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { schema, schemaType, references: refs };
  };

  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const test = () =>
    run(async () => {
      setResult(undefined);
      setRegistered(undefined);
      const path = against === '' ? `compatibility/subjects/${seg(subject)}/versions?verbose=true` : `compatibility/subjects/${seg(subject)}/versions/${against}?verbose=true`;
      const verdict = await api<CompatibilityResult>('POST', path, body());
      setResult({ verdict, against: against === '' ? 'checked against the versions the level names' : `checked against version ${against}` });
    });

  const register = () =>
    run(async () => {
      const payload = body();
      const ok = await ask({
        title: `Register this schema under ${subject}?`,
        body: (
          <p>
            A {schemaType} schema becomes the next version of {subject} if it passes the subject's compatibility level ({c.level}). Registering the same schema again
            returns the existing version.
          </p>
        ),
        confirm: 'Register',
      });
      if (!ok) return;
      const answer = await api<{ id: number; version?: number }>('POST', `subjects/${seg(subject)}/versions`, payload);
      setRegistered(answer);
      context.reload();
    });

  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="#/">Subjects</a> / <a href={href(['subjects', subject])}>{subject}</a> / <span>Test a candidate</span>
      </nav>
      <Title text={`Test a candidate · ${subject}`}>Test a candidate for {subject}</Title>
      {dialog}
      <p>
        Compatibility in force: <strong>{c.level}</strong>; mode <strong>{c.mode}</strong>.
      </p>
      <form
        class="panel candidate"
        onSubmit={(e) => {
          e.preventDefault();
          void test();
        }}
      >
        <div class="row">
          <label class="field">
            Format
            <select name="schemaType" value={schemaType} onChange={(e) => setType(e.currentTarget.value as SchemaType)}>
              <FormatOptions />
            </select>
          </label>
          <label class="field">
            Check against
            <select name="against" value={against} onChange={(e) => setAgainst(e.currentTarget.value)}>
              <option value="">What the level names ({c.level})</option>
              {[...c.versions.live].reverse().map((v) => (
                <option key={v} value={String(v)}>
                  Version {v} only
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            Upload a file
            <input
              type="file"
              accept=".avsc,.json,.proto,.txt,application/json,text/plain"
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (!file) return;
                void file.text().then((text) => {
                  setSchema(text);
                  if (/\.proto$/i.test(file.name)) setType('PROTOBUF');
                  else if (/\.avsc$/i.test(file.name)) setType('AVRO');
                });
              }}
            />
          </label>
        </div>
        <label class="field">
          Candidate schema
          <textarea name="schema" rows={14} value={schema} onInput={(e) => setSchema(e.currentTarget.value)} spellcheck={false} required />
        </label>
        {c.latest && (
          <p>
            <button type="button" class="link" onClick={() => setSchema(c.latest!.schema)}>
              Start from the latest version ({c.latest.version})
            </button>
          </p>
        )}
        <details>
          <summary>References (optional)</summary>
          <label class="field">
            JSON array of {'{"name", "subject", "version"}'}
            <textarea name="references" rows={4} value={references} onInput={(e) => setReferences(e.currentTarget.value)} spellcheck={false} />
          </label>
        </details>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || schema.trim() === ''}>
            Test compatibility
          </button>
          <button
            type="button"
            disabled={busy || schema.trim() === '' || readOnly}
            title={readOnly ? `The subject is ${c.mode}: registering is off` : undefined}
            onClick={() => void register()}
          >
            Register…
          </button>
          {readOnly && <span class="muted">Registering is off: the subject is {c.mode}.</span>}
        </div>
      </form>
      {error !== undefined && (
        <p class="error" role="alert" data-testid="candidate-error">
          {describeError(error)}
        </p>
      )}
      {result && <Verdict result={result.verdict} level={c.level} subjectLine={`the candidate ${result.against}`} />}
      {registered && (
        <p class="notice" role="status">
          Registered as schema id <a href={href(['schemas', registered.id])}>{registered.id}</a>
          {registered.version !== undefined && (
            <>
              , <a href={href(['subjects', subject], { v: registered.version })}>version {registered.version}</a>
            </>
          )}
          .
        </p>
      )}
    </section>
  );
}
