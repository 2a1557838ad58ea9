// One YAML file → its objects, split by how bad each problem is. A document that cannot be read at
// all (a syntax error, an alias expansion too large) makes the whole file unusable (the directory
// source then keeps the file's last good objects, because a half-saved file must not empty the
// config); a document that parses but is not a Kubernetes object is only skipped. The text is parsed
// once. Pure; the object shape rules are k8s/parse-manifests.ts's.
import { LineCounter } from 'yaml';
import { parseManifestText, readManifestDocuments, type ManifestProblem } from '../../k8s/parse-manifests.ts';
import type { KubeObject } from '../../k8s/kube-object.ts';

export interface FileProblem extends ManifestProblem {
  /** 1-based column, for syntax errors. */
  column?: number;
}

export interface ParsedManifestFile {
  objects: KubeObject[];
  /** Unreadable documents (YAML syntax errors, alias bombs): the file is not used at all. */
  syntax: FileProblem[];
  /** Documents skipped (not Kubernetes objects); the rest of the file is used. */
  documents: FileProblem[];
}

export function parseManifestFile(text: string, file: string): ParsedManifestFile {
  const lineCounter = new LineCounter();
  const docs = parseManifestText(text, lineCounter);
  const syntax: FileProblem[] = [];
  docs.forEach((doc, document) => {
    for (const err of doc.errors) {
      const pos = err.linePos?.[0];
      syntax.push({ file, document, line: pos?.line, column: pos?.col, message: (err.message.split('\n')[0] ?? '').trim().replace(/:$/, '') });
    }
  });
  if (syntax.length > 0) return { objects: [], syntax, documents: [] };
  const parsed = readManifestDocuments(docs, lineCounter, file);
  const unreadable = parsed.problems.filter((p) => p.unreadable);
  if (unreadable.length > 0) return { objects: [], syntax: unreadable.map(({ unreadable: _, ...p }) => p), documents: [] };
  return { objects: parsed.objects, syntax, documents: parsed.problems };
}
