/**
 * Two versions of a subject side by side (or unified, the default on narrow screens), with the verdict of
 * the newer against the older under the subject's level and Confluent's verbose messages.
 */
import { diffLines, type ChangeObject } from 'diff';
import { api, seg, subjectLevel, typeOf, type CompatibilityResult } from '../api';
import { ErrorBox, Loading, Title } from '../components';
import { pretty } from '../highlight';
import { useLoad } from '../load';
import { href, navigate } from '../router';
import { loadVersion, loadVersions, type SubjectVersions } from './subject';
import { Verdict } from './verdict';

type Line = { kind: 'same' | 'add' | 'del'; text: string; left?: number; right?: number };

function linesOf(changes: ChangeObject<string>[]): Line[] {
  const out: Line[] = [];
  let left = 1;
  let right = 1;
  for (const c of changes) {
    const texts = c.value.replace(/\n$/, '').split('\n');
    for (const text of texts) {
      if (c.added) out.push({ kind: 'add', text, right: right++ });
      else if (c.removed) out.push({ kind: 'del', text, left: left++ });
      else out.push({ kind: 'same', text, left: left++, right: right++ });
    }
  }
  return out;
}

/** Rows of a side-by-side view: unchanged lines on both sides, a removed run beside the added run after it. */
function rowsOf(lines: Line[]): [Line | undefined, Line | undefined][] {
  const rows: [Line | undefined, Line | undefined][] = [];
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    if (line.kind === 'same') {
      rows.push([line, line]);
      i++;
      continue;
    }
    const dels: Line[] = [];
    const adds: Line[] = [];
    while (i < lines.length && lines[i]!.kind === 'del') dels.push(lines[i++]!);
    while (i < lines.length && lines[i]!.kind === 'add') adds.push(lines[i++]!);
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) rows.push([dels[k], adds[k]]);
  }
  return rows;
}

function VersionSelect({ name, value, versions, onChange }: { name: string; value: number | undefined; versions: SubjectVersions; onChange: (v: string) => void }) {
  return (
    <select name={name} value={String(value)} onChange={(e) => onChange(e.currentTarget.value)}>
      {versions.all.map((v) => (
        <option key={v} value={v}>
          Version {v}
          {versions.live.has(v) ? '' : ' (soft-deleted)'}
        </option>
      ))}
    </select>
  );
}

const narrow = () => window.matchMedia('(max-width: 760px)').matches;

export function DiffView({ subject, query }: { subject: string; query: URLSearchParams }) {
  const versions = useLoad(() => loadVersions(subject), [subject]);
  const all = versions.data?.all ?? [];
  const b = Number(query.get('b')) || all[all.length - 1];
  const a = Number(query.get('a')) || all[Math.max(0, all.indexOf(b ?? 0) - 1)];
  const layout = query.get('layout') ?? (narrow() ? 'unified' : 'split');
  const set = (changes: Record<string, string | number | undefined>) =>
    navigate(href(['subjects', subject, 'diff'], { a, b, layout: query.get('layout') ?? undefined, ...changes }), true);

  const aLive = versions.data?.live.has(a ?? 0);
  const pair = useLoad(async () => {
    if (a === undefined || b === undefined || aLive === undefined) return undefined;
    const [left, right, level] = await Promise.all([loadVersion(subject, a), loadVersion(subject, b), subjectLevel(subject)]);
    let verdict: CompatibilityResult | undefined;
    let verdictError: unknown;
    if (!aLive) {
      verdictError = new Error(`Version ${a} is soft-deleted: the registry checks compatibility only against live versions.`);
    } else {
      try {
        verdict = await api<CompatibilityResult>('POST', `compatibility/subjects/${seg(subject)}/versions/${a}?verbose=true`, {
          schema: right.schema,
          schemaType: typeOf(right),
          references: right.references ?? [],
        });
      } catch (e) {
        verdictError = e;
      }
    }
    return { left, right, level: level.effective, verdict, verdictError };
  }, [subject, a, b, aLive]);

  const d = pair.data;
  const lines = d ? linesOf(diffLines(pretty(d.left.schema, typeOf(d.left)) + '\n', pretty(d.right.schema, typeOf(d.right)) + '\n')) : [];
  const added = lines.filter((l) => l.kind === 'add').length;
  const removed = lines.filter((l) => l.kind === 'del').length;

  return (
    <section>
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href="#/">Subjects</a> / <a href={href(['subjects', subject])}>{subject}</a> / <span>Diff</span>
      </nav>
      <Title text={`Diff · ${subject}`}>Diff of {subject}</Title>
      <ErrorBox error={versions.error} />
      {versions.data && (
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label class="field">
            Old version
            <VersionSelect name="a" value={a} versions={versions.data} onChange={(v) => set({ a: v })} />
          </label>
          <label class="field">
            New version
            <VersionSelect name="b" value={b} versions={versions.data} onChange={(v) => set({ b: v })} />
          </label>
          <fieldset class="field toggle">
            <legend>Layout</legend>
            <label>
              <input type="radio" name="layout" checked={layout === 'split'} onChange={() => set({ layout: 'split' })} /> Side by side
            </label>
            <label>
              <input type="radio" name="layout" checked={layout === 'unified'} onChange={() => set({ layout: 'unified' })} /> Unified
            </label>
          </fieldset>
        </form>
      )}
      <ErrorBox error={pair.error} />
      {pair.loading && !d && <Loading what="the two versions" />}
      {d && (
        <>
          {d.verdict ? (
            <Verdict result={d.verdict} level={d.level} subjectLine={`version ${b} checked against version ${a}`} />
          ) : (
            <ErrorBox error={d.verdictError} />
          )}
          <p class="muted" data-testid="diff-summary">
            {added === 0 && removed === 0 ? 'The two versions read the same.' : `${added} line${added === 1 ? '' : 's'} added, ${removed} removed.`}
          </p>
          {layout === 'unified' ? (
            <table class="diff diff-unified" aria-label={`Unified diff of version ${a} and version ${b}`}>
              <colgroup>
                <col class="col-num" />
                <col class="col-num" />
                <col class="col-sign" />
                <col />
              </colgroup>
              <tbody>
                {lines.map((l, i) => (
                  <tr key={i} class={`line-${l.kind}`}>
                    <td class="num">{l.left ?? ''}</td>
                    <td class="num">{l.right ?? ''}</td>
                    <td class="sign" aria-hidden="true">
                      {l.kind === 'add' ? '+' : l.kind === 'del' ? '−' : ' '}
                    </td>
                    <td class="text">
                      <span class="sr-only">{l.kind === 'add' ? 'added: ' : l.kind === 'del' ? 'removed: ' : ''}</span>
                      {l.text}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <table class="diff diff-split" aria-label={`Version ${a} beside version ${b}`}>
              <colgroup>
                <col class="col-num" />
                <col />
                <col class="col-num" />
                <col />
              </colgroup>
              <thead>
                <tr>
                  <th colSpan={2}>Version {a}</th>
                  <th colSpan={2}>Version {b}</th>
                </tr>
              </thead>
              <tbody>
                {rowsOf(lines).map(([l, r], i) => (
                  <tr key={i}>
                    <td class="num">{l?.left ?? ''}</td>
                    <td class={`text ${l ? `line-${l.kind}` : 'line-none'}`}>
                      {l && l.kind === 'del' && <span class="sr-only">removed: </span>}
                      {l?.text ?? ''}
                    </td>
                    <td class="num">{r?.right ?? ''}</td>
                    <td class={`text ${r ? `line-${r.kind}` : 'line-none'}`}>
                      {r && r.kind === 'add' && <span class="sr-only">added: </span>}
                      {r?.text ?? ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
