import { createLogger } from '../../lambdas/shared/logger';

describe('logger levels', () => {
  it('keeps metric lines at warn, where info lines are dropped', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    logger.info('dropped');
    logger.metric('request', { Requests: 1 });
    logger.warn('kept');

    expect(lines.map((line) => JSON.parse(line).message)).toEqual(['request', 'kept']);
  });

  it('writes nothing at silent, metric lines included', () => {
    const lines: string[] = [];
    const logger = createLogger('silent', (line) => lines.push(line));
    logger.metric('request');
    logger.error('failed');

    expect(lines).toEqual([]);
  });
});
