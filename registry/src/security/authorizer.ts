/**
 * Decisions over the role bindings: may this principal perform this operation on this resource, and, for
 * listings, which subjects and contexts may it see. Bindings are read through a getter, so a reloaded file
 * applies to the next request.
 *
 * A context is visible to a caller who may read the context itself or may read subjects in it (a binding
 * on `subject::.team-a:*` shows context `.team-a` in `/contexts`); `subject:*` shows every context.
 */
import type { Requirement, Resource, Visibility } from '../http/access.js';
import { parseSubject } from '../core/subjects.js';
import { appliesTo, levelOf, matchesName, matchesResource, type Binding, type NamePattern, type ResourcePattern } from './bindings.js';
import type { Principal } from './principal.js';

const READ = levelOf('read');

/** The contexts a subject pattern may reach: all, those starting with a prefix, or one. */
function contextsOfSubjectPattern(pattern: NamePattern): NamePattern {
  if ('all' in pattern) return pattern;
  const name = 'prefix' in pattern ? pattern.prefix : pattern.exact;
  if (name.startsWith(':.')) {
    const end = name.indexOf(':', 2);
    if (end >= 0) return { exact: name.slice(1, end) };
    return 'prefix' in pattern ? { prefix: name.slice(1) } : { exact: parseSubject(name).context };
  }
  // '' and ':' are prefixes of every qualified key.
  if ('prefix' in pattern && ':.'.startsWith(name)) return { all: true };
  return { exact: '.' };
}

export interface ReadScope {
  /** The caller may read every subject (no per-subject lookups needed). */
  readonly allSubjects: boolean;
  /** What listings must filter by; null when nothing needs filtering. */
  readonly visibility: Visibility | null;
}

export class Authorizer {
  constructor(private readonly bindings: () => readonly Binding[]) {}

  allows(principal: Principal, requirement: Requirement): boolean {
    const level = levelOf(requirement.operation);
    return this.bindings().some(
      (b) => b.level >= level && appliesTo(b, principal) && b.resources.some((r) => matchesResource(r, requirement.resource)),
    );
  }

  mayRead(principal: Principal, resource: Resource): boolean {
    return this.allows(principal, { operation: 'read', resource });
  }

  /** What the principal may read, compiled once per request. */
  readScope(principal: Principal): ReadScope {
    const readable: ResourcePattern[] = [];
    for (const b of this.bindings()) if (b.level >= READ && appliesTo(b, principal)) readable.push(...b.resources);
    const subjects: NamePattern[] = [];
    const contexts: NamePattern[] = [];
    for (const r of readable) {
      if (r.kind === 'any') {
        subjects.push({ all: true });
        contexts.push({ all: true });
      } else if (r.kind === 'subject') {
        subjects.push(r.name);
        contexts.push(contextsOfSubjectPattern(r.name));
      } else if (r.kind === 'context') contexts.push(r.name);
    }
    const allSubjects = subjects.some((p) => 'all' in p);
    const allContexts = contexts.some((p) => 'all' in p);
    if (allSubjects && allContexts) return { allSubjects, visibility: null };
    return {
      allSubjects,
      visibility: {
        subject: (key) => subjects.some((p) => matchesName(p, key)),
        context: (name) => contexts.some((p) => matchesName(p, name)),
      },
    };
  }
}
