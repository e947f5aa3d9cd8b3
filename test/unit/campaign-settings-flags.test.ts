import { campaignSettings, flagValue } from '../../cli/commands/campaign-settings.flags';
import { UsageError } from '../../cli/cli-errors';

describe('campaign settings flags', () => {
  it('parse each given flag as its setting says and leave out the others', () => {
    expect(campaignSettings({ mode: 'ping_post', 'dedupe-on': 'PHONE', 'allowed-states': 'ca, tx', 'retention-days': 'None' })).toEqual({
      mode: 'ping_post',
      dedupeOn: ['phone'],
      allowedStates: ['CA', 'TX'],
      retentionDays: null,
    });
  });

  it('read a boolean flag as true or false, in any case', () => {
    expect(flagValue(' TRUE ', { kind: 'boolean' }, '--on')).toBe(true);
    expect(flagValue('false', { kind: 'boolean' }, '--on')).toBe(false);
    expect(() => flagValue('yes', { kind: 'boolean' }, '--on')).toThrow(new UsageError("--on must be true or false, not 'yes'."));
  });
});
