import { createHash } from 'node:crypto';
import { DOCS_STYLE } from '../lambdas/docs/docs-page';
import { escapeHtml } from '../lambdas/docs/markdown';

/** Escapes a value for HTML text or a quoted attribute. Every value a page shows goes through it. */
export const h = (value: unknown): string => escapeHtml(value === undefined || value === null ? '' : String(value));

/** The console's stylesheet, served at /style.css: the /docs look plus forms and buttons. */
export const CONSOLE_STYLE = `${DOCS_STYLE}
header nav { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 8px; }
main { max-width: 1100px; }
form { margin: 10px 0 18px; }
form.inline { display: inline-block; margin: 2px 6px 2px 0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 0 0 12px; }
label { display: block; margin: 8px 0 2px; font-weight: 600; font-size: 14px; }
label.check { display: inline; font-weight: 400; }
.hint { display: block; color: var(--muted); font-size: 13px; font-weight: 400; margin-bottom: 2px; }
input[type=text], input[type=search], input[type=number], input[type=date], select { width: 100%; max-width: 32em; padding: 6px 8px; font: inherit; border: 1px solid #9aa3ad; border-radius: 4px; }
button { margin-top: 10px; padding: 6px 14px; font: inherit; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
button.quiet { background: #fff; color: var(--accent); }
button.danger { border-color: #a8321f; background: #a8321f; }
form.inline button { margin-top: 0; }
:focus-visible { outline: 3px solid #f0b400; outline-offset: 1px; }
.flash { border-left: 4px solid #1f7a4d; padding: 6px 12px; background: #f2f9f5; }
.flash.err { border-color: #a8321f; background: #fcf1ef; }
figure.chart { margin: 8px 0 4px; }
svg.chart { display: block; width: 100%; height: auto; max-width: 560px; }
figure.chart figcaption { margin-top: 4px; }
`;

/**
 * The console's one script, inline on every page: a `button[data-copy]` (hidden without
 * script) copies the text of the element it names. Allowed by its hash alone, so no other
 * script runs, injected or not.
 */
const COPY_SCRIPT =
  "for(const b of document.querySelectorAll('button[data-copy]')){b.hidden=false;b.addEventListener('click',()=>navigator.clipboard.writeText(document.getElementById(b.dataset.copy).textContent.trim()).then(()=>{b.textContent='Copied';}));}";

/** The CSP source that allows COPY_SCRIPT and nothing else. */
export const COPY_SCRIPT_SOURCE = `'sha256-${createHash('sha256').update(COPY_SCRIPT).digest('base64')}'`;

/** A key shown once, with a Copy button where script runs. */
export function newKeyBox(apiKey: string): string {
  return `<h2>The new key</h2><pre id="new-key">${h(apiKey)}</pre><button type="button" data-copy="new-key" hidden>Copy the key</button>`;
}

export interface PageOptions {
  /** Where the console works: the local runtime, or a stack's name. */
  readonly target: string;
}

/** A whole page: header with the navigation, then `body` (already HTML). */
export function page(title: string, body: string, options: PageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)} · leadctl console</title>
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p>leadctl console on ${h(options.target)}</p>
<nav aria-label="Sections"><a href="/campaigns">Campaigns</a><a href="/suppliers">Suppliers</a><a href="/leads">Leads</a><a href="/reports">Reports</a></nav>
</header>
<main>
${body}
</main>
<script>${COPY_SCRIPT}</script>
</body>
</html>
`;
}

/** A POST form to an action, with its CSRF token; `fields` is HTML. */
export function postForm(csrf: string, action: string, fields: string, button: string, options: { inline?: boolean; danger?: boolean; quiet?: boolean } = {}): string {
  const buttonClass = options.danger ? ' class="danger"' : options.quiet ? ' class="quiet"' : '';
  return `<form method="post" action="/action/${h(action)}"${options.inline ? ' class="inline"' : ''}><input type="hidden" name="_csrf" value="${h(csrf)}">${fields}<button type="submit"${buttonClass}>${h(button)}</button></form>`;
}

/** A hidden field. */
export function hidden(name: string, value: string): string {
  return `<input type="hidden" name="${h(name)}" value="${h(value)}">`;
}

let fieldIds = 0;

/** A labelled text input (or `select` when `choices` is given). */
export function input(
  label: string,
  name: string,
  options: { value?: string; hint?: string; required?: boolean; type?: string; choices?: readonly string[]; placeholder?: string } = {},
): string {
  const id = `f${(fieldIds += 1)}`;
  // The hint is the control's description, not part of its name: a screen reader says the label, then the hint.
  const hint = options.hint ? `<span class="hint" id="${id}-hint">${h(options.hint)}</span>` : '';
  const attributes = `id="${id}" name="${h(name)}"${options.hint ? ` aria-describedby="${id}-hint"` : ''}${options.required ? ' required' : ''}`;
  const control = options.choices
    ? `<select ${attributes}>${options.choices.map((choice) => `<option${choice === options.value ? ' selected' : ''}>${h(choice)}</option>`).join('')}</select>`
    : `<input ${attributes} type="${h(options.type ?? 'text')}" value="${h(options.value ?? '')}"${options.placeholder ? ` placeholder="${h(options.placeholder)}"` : ''}>`;
  return `<label for="${id}">${h(label)}</label>${hint}${control}`;
}

/** A labelled checkbox. */
export function checkbox(label: string, name: string, required = false): string {
  const id = `f${(fieldIds += 1)}`;
  return `<p><input id="${id}" type="checkbox" name="${h(name)}" value="yes"${required ? ' required' : ''}> <label class="check" for="${id}">${h(label)}</label></p>`;
}

/** A table whose cells are already HTML, in a box that scrolls sideways on a phone. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], empty = 'None yet.'): string {
  if (rows.length === 0) return `<p class="note">${h(empty)}</p>`;
  const head = `<tr>${headers.map((header) => `<th scope="col">${h(header)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-box"><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/** A link; the path's parts are the caller's to encode. */
export function link(href: string, text: string): string {
  return `<a href="${h(href)}">${h(text)}</a>`;
}

/** A message box: what an action did, or why it failed. */
export function flash(text: string, failed = false): string {
  return `<div class="flash${failed ? ' err' : ''}" role="${failed ? 'alert' : 'status'}"><pre>${h(text)}</pre></div>`;
}
