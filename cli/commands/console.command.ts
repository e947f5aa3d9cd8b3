import { spawn } from 'node:child_process';
import { startConsole } from '../../console/console-server';
import { textOption, wholeNumber } from '../arguments.parser';
import { RefusedError } from '../cli-errors';
import type { CommandGroup } from '../command.types';

/**
 * `leadctl console`: the operator console in the browser, served on 127.0.0.1 by this process
 * with the operator's own credentials, through the same command context as every command.
 * Runs until Ctrl-C.
 */
export const consoleCommands: CommandGroup = {
  name: 'console',
  summary: 'Serves the operator console (campaigns, suppliers, keys, caps, leads, reports) on 127.0.0.1 until Ctrl-C.',
  single: true,
  commands: [
    {
      name: '',
      summary: 'Serves the operator console on 127.0.0.1 and prints its URL with a one-time token; stops on Ctrl-C.',
      args: [],
      stopsOnSignal: true,
      options: {
        port: { type: 'string', value: 'N', description: 'The port on 127.0.0.1; 0 (the default) picks a free one.' },
        'no-open': { type: 'boolean', description: 'Print the URL only; do not open the browser.' },
      },
      async run({ options }, context) {
        const portText = textOption(options, 'port');
        const port = portText === undefined ? 0 : wholeNumber(portText, '--port', { min: 0, max: 65_535 });
        const target = context.stackName === undefined ? 'the local runtime' : `stack ${context.stackName}`;
        // Connected before serving, so a target that cannot be reached fails here, not on a page.
        await context.admin();
        const running = await startConsole(context, { port, target }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'EADDRINUSE') throw new RefusedError(`Port ${port} on 127.0.0.1 is in use. Choose another with --port, or leave it out for a free one.`);
          if (error.code === 'EACCES') throw new RefusedError(`Port ${port} on 127.0.0.1 needs privileges this user does not have. Choose a port above 1023, or leave --port out.`);
          throw error;
        });
        context.stderr(`leadctl console on ${target}: open this URL (it works once); Ctrl-C stops the console.\n`);
        context.stdout(`${running.url}\n`);
        if (options['no-open'] !== true) openBrowser(running.url);
        await stopSignal();
        await running.close();
        return { json: { stopped: true }, text: 'Console stopped.', streamed: true };
      },
    },
  ],
};

/** Resolves on the first Ctrl-C (or SIGTERM). */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The system's opener (`open` on macOS, `start` on Windows, `xdg-open` elsewhere); without one, the printed URL is the way in. */
function openBrowser(url: string): void {
  const [opener, ...args] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  try {
    const child = spawn(opener, [...args, url], { stdio: 'ignore', detached: true, windowsVerbatimArguments: process.platform === 'win32' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No opener: the URL is printed.
  }
}
