/**
 * One subject: its versions, the selected version's schema (pretty, highlighted), id, guid, references and
 * what references it, metadata, rule sets; the subject's level and mode (changeable); deleting versions.
 */
import { useState } from 'preact/hooks';
import { api, isReadOnly, LEVELS, MODES, seg, subjectLevel, subjectMode, typeOf, type SchemaVersion, type Setting } from '../api';
import { Badge, Code, describeError, ErrorBox, formatName, Loading, SchemaExtras, Title, useConfirm } from '../components';
import { languageOf, pretty } from '../highlight';
import { useLoad } from '../load';
import { href, navigate } from '../router';

export interface SubjectVersions {
  all: number[];
  live: Set<number>;
}

/** One call: soft-deleted versions come back negative (`deletedAsNegative`), so no listing answers 404. */
export async function loadVersions(subject: string): Promise<SubjectVersions> {
  const signed = await api<number[]>('GET', `subjects/${seg(subject)}/versions?deletedAsNegative=true`);
  return { all: signed.map(Math.abs).sort((a, b) => a - b), live: new Set(signed.filter((v) => v > 0)) };
}

export const loadVersion = (subject: string, version: number) => api<SchemaVersion>('GET', `subjects/${seg(subject)}/versions/${version}?deleted=true`);

export function SubjectView({ subject, query }: { subject: string; query: URLSearchParams }) {
  const versions = useLoad(() => loadVersions(subject), [subject]);
  const settings = useLoad(async () => ({ level: await subjectLevel(subject), mode: await subjectMode(subject) }), [subject]);
  const requested = Number(query.get('v'));
  const list = versions.data;
  const selected = list && (list.all.includes(requested) ? requested : ([...list.live].pop() ?? list.all[list.all.length - 1]));
  const [dialog, ask] = useConfirm();
  const [actionError, setActionError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();

  const act = async (what: () => Promise<unknown>, done: string) => {
    setActionError(undefined);
    setNotice(undefined);
    try {
      await what();
      setNotice(done);
      versions.reload();
      settings.reload();
    } catch (e) {
      setActionError(e);
    }
  };

  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="#/">Subjects</a> / <span>{subject}</span>
      </nav>
      <Title text={subject}>
        <span class="subject-name">{subject}</span>
      </Title>
      {dialog}
      <ErrorBox error={versions.error} />
      {versions.loading && !list && <Loading what="versions" />}
      {list && selected !== undefined && (
        <div class="subject-layout">
          <aside class="panel versions" aria-label="Versions">
            <h2>Versions</h2>
            <ol>
              {[...list.all].reverse().map((v) => (
                <li key={v}>
                  <a href={href(['subjects', subject], { v })} aria-current={v === selected ? 'page' : undefined}>
                    Version {v}
                  </a>
                  {!list.live.has(v) && <Badge tone="warn">soft-deleted</Badge>}
                </li>
              ))}
            </ol>
            <div class="stack">
              {list.all.length > 1 && (
                <a class="button" href={href(['subjects', subject, 'diff'], { a: previousOf(list.all, selected), b: selected })}>
                  Diff versions
                </a>
              )}
              <a class="button" href={href(['subjects', subject, 'test'])}>
                Test a candidate
              </a>
            </div>
          </aside>
          <div class="main-column">
            <VersionDetails
              subject={subject}
              version={selected}
              live={list.live.has(selected)}
              readOnly={isReadOnly(settings.data?.mode.effective)}
              onDelete={(permanent) =>
                void (async () => {
                  if (!permanent) {
                    const ok = await ask({
                      title: `Soft-delete version ${selected}?`,
                      body: <p>Clients can no longer read version {selected} of {subject} by version; its schema id stays readable, and it can still be deleted permanently later.</p>,
                      confirm: 'Soft-delete',
                      danger: true,
                    });
                    if (ok) await act(() => api('DELETE', `subjects/${seg(subject)}/versions/${selected}`), `Version ${selected} soft-deleted.`);
                    return;
                  }
                  const first = await ask({
                    title: `Permanently delete version ${selected}?`,
                    body: <p>The version and its schema, if no other version uses it, are removed for good. This cannot be undone.</p>,
                    confirm: 'Continue',
                    danger: true,
                  });
                  if (!first) return;
                  const second = await ask({
                    title: 'Really delete it permanently?',
                    body: <p>Consumers still holding records written with this schema id may no longer be able to read them.</p>,
                    confirm: 'Delete permanently',
                    danger: true,
                    typeToConfirm: String(selected),
                  });
                  if (!second) return;
                  await act(() => api('DELETE', `subjects/${seg(subject)}/versions/${selected}?permanent=true`), `Version ${selected} deleted permanently.`);
                  navigate(href(['subjects', subject]), true);
                })()
              }
            />
            {notice && (
              <p class="notice" role="status">
                {notice}
              </p>
            )}
            <ErrorBox error={actionError} />
            <Settings subject={subject} loaded={settings} onChanged={(what) => setNotice(what)} />
          </div>
        </div>
      )}
    </section>
  );
}

const previousOf = (all: number[], v: number) => {
  const i = all.indexOf(v);
  return i > 0 ? all[i - 1] : all[1];
};

function VersionDetails({ subject, version, live, readOnly, onDelete }: { subject: string; version: number; live: boolean; readOnly: boolean; onDelete: (permanent: boolean) => void }) {
  const loaded = useLoad(() => loadVersion(subject, version), [subject, version, live]);
  const referencedBy = useLoad(() => api<number[]>('GET', `subjects/${seg(subject)}/versions/${version}/referencedby`), [subject, version]);
  const s = loaded.data;
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  if (!s) return <Loading what={`version ${version}`} />;
  const type = typeOf(s);
  return (
    <article class="panel" aria-labelledby="version-title">
      <h2 id="version-title">
        Version {s.version} {!live && <Badge tone="warn">soft-deleted</Badge>}
      </h2>
      <dl class="facts">
        <div>
          <dt>Schema id</dt>
          <dd>
            <a href={href(['schemas', s.id])} data-testid="schema-id">
              {s.id}
            </a>
          </dd>
        </div>
        {s.guid && (
          <div>
            <dt>GUID</dt>
            <dd>
              <code>{s.guid}</code>
            </dd>
          </div>
        )}
        <div>
          <dt>Format</dt>
          <dd>{formatName(type)}</dd>
        </div>
        {s.ts !== undefined && (
          <div>
            <dt>Registered</dt>
            <dd>{new Date(s.ts).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}</dd>
          </div>
        )}
      </dl>
      <Code text={pretty(s.schema, type)} language={languageOf(type)} label={`Schema of version ${s.version}`} />
      <SchemaExtras schema={s} always />
      <h3>Referenced by</h3>
      {referencedBy.error ? (
        <ErrorBox error={referencedBy.error} />
      ) : referencedBy.data && referencedBy.data.length > 0 ? (
        <ul class="refs">
          {referencedBy.data.map((id) => (
            <li key={id}>
              <a href={href(['schemas', id])}>schema id {id}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{referencedBy.data ? 'Nothing.' : '…'}</p>
      )}
      <div class="actions">
        {live ? (
          <button type="button" class="danger" disabled={readOnly} title={readOnly ? 'The subject is read-only' : undefined} onClick={() => onDelete(false)}>
            Soft-delete version {s.version}
          </button>
        ) : (
          <button type="button" class="danger" disabled={readOnly} title={readOnly ? 'The subject is read-only' : undefined} onClick={() => onDelete(true)}>
            Delete version {s.version} permanently…
          </button>
        )}
      </div>
    </article>
  );
}

interface SettingsData {
  level: Setting;
  mode: Setting;
}

const origin = (s: Setting) => (s.parent === undefined ? '' : s.effective === s.parent ? ' (inherited)' : ` (set on this subject; default ${s.parent})`);

function Settings({ subject, loaded, onChanged }: { subject: string; loaded: { data: SettingsData | undefined; error: unknown; reload: () => void }; onChanged: (what: string) => void }) {
  const [level, setLevel] = useState<string | undefined>();
  const [mode, setMode] = useState<string | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  if (loaded.error) return <ErrorBox error={loaded.error} />;
  const data = loaded.data;
  if (!data) return <Loading what="settings" />;
  const levelValue = level ?? data.level.effective;
  const modeValue = mode ?? data.mode.effective;
  const change = async (what: () => Promise<string[]>) => {
    setBusy(true);
    setError(undefined);
    try {
      const changed = await what();
      setLevel(undefined);
      setMode(undefined);
      loaded.reload();
      onChanged(changed.length ? `Saved: ${changed.join(', ')}.` : 'Nothing changed.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    change(async () => {
      const changed: string[] = [];
      if (levelValue !== data.level.effective) {
        await api('PUT', `config/${seg(subject)}`, { compatibility: levelValue });
        changed.push(`compatibility ${levelValue}`);
      }
      if (modeValue !== data.mode.effective) {
        await api('PUT', `mode/${seg(subject)}`, { mode: modeValue });
        changed.push(`mode ${modeValue}`);
      }
      return changed;
    });
  const reset = (which: 'config' | 'mode') =>
    change(async () => {
      await api('DELETE', `${which}/${seg(subject)}`);
      return [`${which === 'config' ? 'compatibility' : 'mode'} inherited again`];
    });
  const own = (s: Setting) => s.parent !== undefined && s.effective !== s.parent;
  return (
    <form
      class="panel settings"
      aria-labelledby="settings-title"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h2 id="settings-title">Settings</h2>
      <p>
        In force: compatibility <strong data-testid="effective-level">{data.level.effective}</strong>
        {origin(data.level)}, mode <strong data-testid="effective-mode">{data.mode.effective}</strong>
        {origin(data.mode)}.
      </p>
      <div class="row">
        <label class="field">
          Compatibility level
          <select name="level" value={levelValue} onChange={(e) => setLevel(e.currentTarget.value)}>
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          Mode
          <select name="mode" value={modeValue} onChange={(e) => setMode(e.currentTarget.value)}>
            {MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={busy}>
          Save settings
        </button>
      </div>
      {(own(data.level) || own(data.mode)) && (
        <div class="actions">
          {own(data.level) && (
            <button type="button" disabled={busy} onClick={() => void reset('config')}>
              Inherit compatibility ({data.level.parent})
            </button>
          )}
          {own(data.mode) && (
            <button type="button" disabled={busy} onClick={() => void reset('mode')}>
              Inherit mode ({data.mode.parent})
            </button>
          )}
        </div>
      )}
      {error !== undefined && (
        <p class="error" role="alert">
          {describeError(error)}
        </p>
      )}
    </form>
  );
}
