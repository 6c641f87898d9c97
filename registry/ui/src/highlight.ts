/** Pretty-printing and highlighting of schema text: highlight.js core with only JSON and Protobuf. */
import hljs from 'highlight.js/lib/core';
import json from 'highlight.js/lib/languages/json';
import protobuf from 'highlight.js/lib/languages/protobuf';
import type { SchemaType } from './api';

hljs.registerLanguage('json', json);
hljs.registerLanguage('protobuf', protobuf);

/** Avro and JSON Schema are JSON: indented two spaces; .proto text is shown as the registry returns it. */
export function pretty(text: string, type: SchemaType): string {
  if (type === 'PROTOBUF') return text.replace(/\n+$/, '');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export const languageOf = (type: SchemaType | 'json') => (type === 'PROTOBUF' ? 'protobuf' : 'json');

/** HTML of highlighted `text` (highlight.js escapes the text). */
export function highlight(text: string, language: string): string {
  return hljs.highlight(text, { language, ignoreIllegals: true }).value;
}
