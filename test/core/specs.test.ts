import { cidrProblem } from '../../src/core/specs';

describe('cidrProblem', () => {
  test.each(['198.51.100.0/24', '0.0.0.0/0', '10.0.0.0/8', '192.0.2.7/32', '::/0', '2001:db8::/32', 'fe80::/10', '::1/128', '::ffff:0:0/96'])('accepts the network %s', (c) => {
    expect(cidrProblem(c)).toBeUndefined();
  });

  test.each([
    ['198.51.100.7/24', '198.51.100.0/24', '198.51.100.7/32'],
    ['10.1.2.3/8', '10.0.0.0/8', '10.1.2.3/32'],
    ['1.2.3.4/0', '0.0.0.0/0', '1.2.3.4/32'],
    ['2001:db8::1/32', '2001:db8::/32', '2001:db8::1/128'],
    ['2001:db8:0:0:1:0:0:1/64', '2001:db8::/64', '2001:db8:0:0:1:0:0:1/128'],
    ['::ffff:192.0.2.1/96', '::ffff:0:0/96', '::ffff:192.0.2.1/128'],
    ['2001:db8:ab:cd::/40', '2001:db8::/40', '2001:db8:ab:cd::/128'],
  ])('fails when %s has host bits set', (c, network, host) => {
    expect(cidrProblem(c)).toEqual({
      message: `has host bits set past its /${c.split('/')[1]} prefix (its network is ${network})`,
      allowed: "an IPv4 or IPv6 address with a prefix length, e.g. '203.0.113.0/24' or '2001:db8::/32', with no bits set past the prefix",
      fix: `write '${network}' (the network) or '${host}' (one host)`,
    });
  });

  test.each(['10.0.0.0/33', '2001:db8::/129', 'fe80::1%eth0/64', '10.0.0.0/8/8', 'example.com/24', '10.0.0.0/x'])('fails when %s is not a CIDR', (c) => {
    expect(cidrProblem(c)?.message).toBe('is not a CIDR');
  });
});
