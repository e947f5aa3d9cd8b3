import { EXAMPLE_API_KEY, INGEST_EXAMPLES, PING_EXAMPLES } from './api-examples';

/**
 * The guide's code samples: one request written in curl, Node (fetch), Python (requests) and
 * PHP (no extension beyond the standard streams), as fenced Markdown blocks tagged with their
 * language. Each names the server, the key and the campaign as placeholders the reader (and the
 * end-to-end test that runs every sample) replaces; `serverUrl` is the one the document names.
 */

/** The languages, as the fences tag them (the docs page keeps the tag as `language-<tag>`). */
export const SAMPLE_LANGUAGES = { sh: 'curl', js: 'Node (18+, fetch)', python: 'Python (requests)', php: 'PHP' } as const;
export type SampleLanguage = keyof typeof SAMPLE_LANGUAGES;

type Body = Readonly<Record<string, unknown>>;

/** One POST of a JSON body, printing the status and the answer, in every language. */
export function postSamples(serverUrl: string, path: string, body: Body): Record<SampleLanguage, string> {
  const url = `${serverUrl}${path}`;
  return {
    sh: [`curl ${url} \\`, `  -H 'x-api-key: ${EXAMPLE_API_KEY}' -H 'content-type: application/json' \\`, `  -d '${shellJson(body)}'`].join('\n'),
    js: [
      `const body = ${JSON.stringify(body, null, 2)};`,
      '',
      `fetch('${url}', {`,
      "  method: 'POST',",
      `  headers: { 'x-api-key': '${EXAMPLE_API_KEY}', 'content-type': 'application/json' },`,
      '  body: JSON.stringify(body),',
      '}).then(async (response) => console.log(response.status, JSON.stringify(await response.json())));',
    ].join('\n'),
    python: [
      'import requests',
      '',
      `body = ${pythonLiteral(body)}`,
      `response = requests.post('${url}', json=body, headers={'x-api-key': '${EXAMPLE_API_KEY}'}, timeout=10)`,
      'print(response.status_code, response.json())',
    ].join('\n'),
    php: [
      '<?php',
      `$body = ${phpLiteral(body)};`,
      "$context = stream_context_create(['http' => [",
      "    'method' => 'POST',",
      `    'header' => "x-api-key: ${EXAMPLE_API_KEY}\\r\\ncontent-type: application/json\\r\\n",`,
      "    'content' => json_encode($body),",
      "    'ignore_errors' => true, // read the answer of a 4xx or 5xx too",
      ']]);',
      `$answer = file_get_contents('${url}', false, $context);`,
      'echo $http_response_header[0], "\\n", $answer, "\\n";',
    ].join('\n'),
  };
}

/** Ping, then post the lead with the ping's `ping_id`, in every language. */
export function pingThenPostSamples(serverUrl: string): Record<SampleLanguage, string> {
  const ping = PING_EXAMPLES.ping.value;
  const lead: Body = { ...INGEST_EXAMPLES.lead.value, ...ping };
  const ingest = `${serverUrl}/api/v1/ingest`;
  const pingUrl = `${serverUrl}/api/v1/ping`;
  const headers = `'x-api-key': '${EXAMPLE_API_KEY}', 'content-type': 'application/json'`;
  return {
    sh: [
      '# 1. Ping with the non-personal fields; keep the ping_id (jq reads it from the answer).',
      `PING_ID=$(curl -s ${pingUrl} \\`,
      `  -H 'x-api-key: ${EXAMPLE_API_KEY}' -H 'content-type: application/json' \\`,
      `  -d '${shellJson(ping)}' | jq -r .ping_id)`,
      '# 2. Post the lead with it before it expires, repeating the pinged fields unchanged.',
      `curl ${ingest} \\`,
      `  -H 'x-api-key: ${EXAMPLE_API_KEY}' -H 'content-type: application/json' \\`,
      `  -d '${shellJson({ ...lead, flo_ping_id: 'PING_ID_HERE' }).replace('PING_ID_HERE', `'"$PING_ID"'`)}'`,
    ].join('\n'),
    js: [
      `const headers = { ${headers} };`,
      `const ping = ${JSON.stringify(ping, null, 2)};`,
      `const lead = ${JSON.stringify(lead, null, 2)};`,
      '',
      'async function pingThenPost() {',
      `  const pinged = await fetch('${pingUrl}', { method: 'POST', headers, body: JSON.stringify(ping) });`,
      '  const answer = await pinged.json();',
      '  if (pinged.status !== 200) return console.log(pinged.status, JSON.stringify(answer));',
      `  const posted = await fetch('${ingest}', { method: 'POST', headers, body: JSON.stringify({ ...lead, flo_ping_id: answer.ping_id }) });`,
      '  console.log(posted.status, JSON.stringify(await posted.json()));',
      '}',
      '',
      'pingThenPost();',
    ].join('\n'),
    python: [
      'import requests',
      '',
      `headers = {'x-api-key': '${EXAMPLE_API_KEY}'}`,
      `ping = ${pythonLiteral(ping)}`,
      `lead = ${pythonLiteral(lead)}`,
      '',
      `pinged = requests.post('${pingUrl}', json=ping, headers=headers, timeout=10)`,
      'if pinged.status_code != 200:',
      '    print(pinged.status_code, pinged.json())',
      'else:',
      `    posted = requests.post('${ingest}', json={**lead, 'flo_ping_id': pinged.json()['ping_id']}, headers=headers, timeout=10)`,
      '    print(posted.status_code, posted.json())',
    ].join('\n'),
    php: [
      '<?php',
      'function post_json(string $url, array $body): array {',
      "    $context = stream_context_create(['http' => [",
      "        'method' => 'POST',",
      `        'header' => "x-api-key: ${EXAMPLE_API_KEY}\\r\\ncontent-type: application/json\\r\\n",`,
      "        'content' => json_encode($body),",
      "        'ignore_errors' => true,",
      '    ]]);',
      '    $answer = file_get_contents($url, false, $context);',
      '    return [$http_response_header[0], json_decode($answer, true)];',
      '}',
      '',
      `$ping = ${phpLiteral(ping)};`,
      `$lead = ${phpLiteral(lead)};`,
      '',
      `[$status, $pinged] = post_json('${pingUrl}', $ping);`,
      "if (!str_contains($status, ' 200 ')) { echo $status, \"\\n\", json_encode($pinged), \"\\n\"; exit; }",
      `[$status, $posted] = post_json('${ingest}', $lead + ['flo_ping_id' => $pinged['ping_id']]);`,
      'echo $status, "\\n", json_encode($posted), "\\n";',
    ].join('\n'),
  };
}

/** The samples as the guide writes them: a label, then a fenced block per language. */
export function sampleBlocks(samples: Record<SampleLanguage, string>): string[] {
  return (Object.keys(SAMPLE_LANGUAGES) as SampleLanguage[]).flatMap((language) => [
    `**${SAMPLE_LANGUAGES[language]}**`,
    '',
    '```' + language,
    samples[language],
    '```',
    '',
  ]);
}

function shellJson(body: Body): string {
  return JSON.stringify(body).replace(/'/g, "'\\''");
}

function pythonLiteral(body: Body): string {
  const value = (item: unknown): string =>
    item === true ? 'True' : item === false ? 'False' : item === null ? 'None' : typeof item === 'string' ? quoted(item) : String(item);
  return `{${Object.entries(body).map(([name, item]) => `${quoted(name)}: ${value(item)}`).join(', ')}}`;
}

function phpLiteral(body: Body): string {
  const value = (item: unknown): string =>
    item === true ? 'true' : item === false ? 'false' : item === null ? 'null' : typeof item === 'string' ? quoted(item) : String(item);
  return `[${Object.entries(body).map(([name, item]) => `${quoted(name)} => ${value(item)}`).join(', ')}]`;
}

/** A single-quoted literal, which Python and PHP read alike. */
function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
