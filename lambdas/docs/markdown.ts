/**
 * The small part of Markdown the OpenAPI document's descriptions use, as HTML: headings, lists,
 * tables, fenced code, paragraphs, and `code`, **bold** and [links](...) inline. Everything is
 * escaped first, so a description can never inject markup into the docs page.
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function inlineMarkdown(text: string): string {
  const parts = text.split(/(`[^`]*`)/g);
  return parts
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length >= 2) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
      return escapeHtml(part)
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        // Only relative links and in-page anchors: the page loads and points at nothing outside.
        .replace(/\[([^\]]+)\]\(((?:#|\/)[^)\s]*)\)/g, '<a href="$2">$1</a>');
    })
    .join('');
}

export interface MarkdownOptions {
  /** Shifts heading levels to fit the page's outline. @default 0 */
  readonly headingOffset?: number;
  /** The id of a table body row (from its cells as written), so a page can link to it. @default none */
  readonly rowId?: (cells: readonly string[]) => string | undefined;
}

/**
 * A table inside its own scrolling box: on a narrow screen a wide table scrolls by itself
 * instead of widening the page.
 */
export function scrollingTable(head: string, body: string): string {
  return `<div class="table-box"><table><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/** Block-level Markdown. */
export function markdownToHtml(markdown: string, options: MarkdownOptions = {}): string {
  const headingOffset = options.headingOffset ?? 0;
  const lines = markdown.split('\n');
  const out: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index];
    if (line.startsWith('```')) {
      // The fence's language tag stays on the block, so a reader (or a test) knows what runs it.
      const language = /^```([a-z]+)$/.exec(line)?.[1];
      const code: string[] = [];
      index += 1;
      while (index < lines.length && !lines[index].startsWith('```')) code.push(lines[index++]);
      index += 1;
      out.push(`<pre><code${language ? ` class="language-${language}"` : ''}>${escapeHtml(code.join('\n'))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1].length + headingOffset);
      out.push(`<h${level} id="${slug(heading[2])}">${inlineMarkdown(heading[2])}</h${level}>`);
      index += 1;
      continue;
    }
    if (line.startsWith('- ')) {
      const items: string[] = [];
      while (index < lines.length && lines[index].startsWith('- ')) items.push(`<li>${inlineMarkdown(lines[index++].slice(2))}</li>`);
      out.push(`<ul>${items.join('')}</ul>`);
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (index < lines.length && lines[index].startsWith('|')) rows.push(tableCells(lines[index++]));
      const [head, , ...body] = rows;
      const row = (cells: string[]) => {
        const id = options.rowId?.(cells);
        return `<tr${id === undefined ? '' : ` id="${escapeHtml(id)}"`}>${cells.map((cell) => `<td>${breakableCode(inlineMarkdown(cell))}</td>`).join('')}</tr>`;
      };
      out.push(scrollingTable(`<tr>${head.map((cell) => `<th>${inlineMarkdown(cell)}</th>`).join('')}</tr>`, body.map(row).join('')));
      continue;
    }
    if (line.trim() === '') {
      index += 1;
      continue;
    }
    const paragraph: string[] = [];
    while (index < lines.length && lines[index].trim() !== '' && !/^(#|- |\||```)/.test(lines[index])) paragraph.push(lines[index++]);
    out.push(`<p>${inlineMarkdown(paragraph.join(' '))}</p>`);
  }
  return out.join('\n');
}

/** Lets long `snake_case` names in a table cell wrap after an underscore (and nowhere else). */
function breakableCode(html: string): string {
  return html.replace(/<code>([^<]*)<\/code>/g, (_match, code: string) => `<code>${code.replace(/_/g, '_<wbr>')}</code>`);
}

function tableCells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}
