package dev.portcullis.policy.internal;

import java.util.Arrays;

/**
 * {@code inIPAddrRange} as Cerbos computes it with Go's {@code net.ParseIP}, {@code net.ParseCIDR}
 * and {@code IPNet.Contains} (which parse with {@code net/netip.ParseAddr}): IPv4 in dotted
 * decimal with exactly four fields and no leading zero in a field ({@code 010.0.0.1} is refused);
 * IPv6 with hex fields of at most four digits, one {@code ::}, and an optional trailing IPv4 part;
 * no zone ({@code %eth0}); no name lookups. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3})
 * is compared as the IPv4 address, and so is a network written in that form with a prefix of at
 * least 96; the prefix length is decimal digits ({@code /08} is read as 8), at most 32 or 128.
 *
 * <p>Thread safety: stateless.
 */
final class GoNetIp {
    private GoNetIp() {
    }

    /** A parsed address: 16 bytes and whether it was written as IPv4 (bit length 32). */
    private static final class Addr {
        final byte[] ip16;
        final boolean is4;

        Addr(byte[] ip16, boolean is4) {
            this.ip16 = ip16;
            this.is4 = is4;
        }
    }

    /**
     * Whether {@code address} lies in {@code cidr}.
     *
     * @throws IllegalArgumentException for a malformed address or range (an evaluation error)
     */
    static boolean inRange(String address, String cidr) {
        Addr ip = parse(address);
        if (ip == null) {
            throw new IllegalArgumentException("invalid IP address: " + address);
        }
        int slash = cidr.indexOf('/');
        Addr net = slash < 0 ? null : parse(cidr.substring(0, slash));
        int bits = slash < 0 ? -1 : prefix(cidr.substring(slash + 1));
        int bitLen = net == null ? 0 : net.is4 ? 32 : 128;
        if (net == null || bits < 0 || bits > bitLen) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        // IPNet{IP: addr16.Mask(m), Mask: m}, then Contains through networkNumberAndMask
        byte[] mask = mask(bits, bitLen);
        byte[] netIp = net.is4 ? Arrays.copyOfRange(net.ip16, 12, 16) : net.ip16.clone();
        for (int i = 0; i < netIp.length; i++) {
            netIp[i] &= mask[i];
        }
        byte[] nn = to4(netIp);
        if (nn == null) {
            nn = netIp;
        }
        byte[] m = mask;
        if (m.length == 16 && nn.length == 4) {
            m = Arrays.copyOfRange(m, 12, 16);
        } else if (m.length == 4 && nn.length == 16) {
            return false;
        }
        byte[] x = to4(ip.ip16);
        byte[] probe = x != null ? x : ip.ip16;
        if (probe.length != nn.length) {
            return false;
        }
        for (int i = 0; i < probe.length; i++) {
            if ((nn[i] & m[i]) != (probe[i] & m[i])) {
                return false;
            }
        }
        return true;
    }

    private static byte[] mask(int ones, int bits) {
        byte[] m = new byte[bits / 8];
        for (int i = 0; i < ones; i++) {
            m[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return m;
    }

    private static byte[] to4(byte[] ip) {
        if (ip.length == 4) {
            return ip;
        }
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return null;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff ? Arrays.copyOfRange(ip, 12, 16) : null;
    }

    /** Go's {@code dtoi}: decimal digits only, at least one. */
    private static int prefix(String s) {
        if (s.isEmpty() || s.length() > 6) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** {@code netip.ParseAddr} without zones; null when malformed. */
    private static Addr parse(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                byte[] v4 = new byte[4];
                if (!ipv4(s, 0, s.length(), v4, 0)) {
                    return null;
                }
                byte[] ip16 = new byte[16];
                ip16[10] = (byte) 0xff;
                ip16[11] = (byte) 0xff;
                System.arraycopy(v4, 0, ip16, 12, 4);
                return new Addr(ip16, true);
            }
            if (c == ':') {
                byte[] v6 = ipv6(s);
                return v6 == null ? null : new Addr(v6, false);
            }
            if (c == '%') {
                return null;
            }
        }
        return null;
    }

    private static boolean ipv4(String s, int from, int to, byte[] out, int at) {
        int fields = 0;
        int val = -1;
        int digits = 0;
        boolean leadingZero = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (digits == 1 && leadingZero) {
                    return false; // "IPv4 field has octet with leading zero"
                }
                val = (val < 0 ? 0 : val) * 10 + (c - '0');
                if (digits == 0 && c == '0') {
                    leadingZero = true;
                }
                digits++;
                if (val > 255) {
                    return false;
                }
            } else if (c == '.') {
                if (digits == 0 || fields == 3) {
                    return false;
                }
                out[at + fields++] = (byte) val;
                val = -1;
                digits = 0;
                leadingZero = false;
            } else {
                return false;
            }
        }
        if (fields != 3 || digits == 0) {
            return false;
        }
        out[at + 3] = (byte) val;
        return true;
    }

    private static byte[] ipv6(String in) {
        if (in.indexOf('%') >= 0) {
            return null; // a zone: net.ParseIP and net.ParseCIDR refuse it
        }
        byte[] ip = new byte[16];
        int ellipsis = -1;
        int p = 0;
        if (in.length() >= 2 && in.charAt(0) == ':' && in.charAt(1) == ':') {
            ellipsis = 0;
            p = 2;
            if (p == in.length()) {
                return ip;
            }
        }
        int i = 0;
        while (i < 16) {
            int off = 0;
            int acc = 0;
            while (p + off < in.length()) {
                int d = Character.digit(in.charAt(p + off), 16);
                if (d < 0 || !isAsciiHex(in.charAt(p + off))) {
                    break;
                }
                if (off > 3) {
                    return null;
                }
                acc = (acc << 4) + d;
                off++;
            }
            if (off == 0) {
                return null;
            }
            if (p + off < in.length() && in.charAt(p + off) == '.') {
                if (ellipsis < 0 && i != 12 || i + 4 > 16) {
                    return null;
                }
                if (!ipv4(in, p, in.length(), ip, i)) {
                    return null;
                }
                p = in.length();
                i += 4;
                break;
            }
            ip[i] = (byte) (acc >> 8);
            ip[i + 1] = (byte) acc;
            i += 2;
            p += off;
            if (p == in.length()) {
                break;
            }
            if (in.charAt(p) != ':' || p + 1 == in.length()) {
                return null;
            }
            p++;
            if (in.charAt(p) == ':') {
                if (ellipsis >= 0) {
                    return null;
                }
                ellipsis = i;
                p++;
                if (p == in.length()) {
                    break;
                }
            }
        }
        if (p != in.length()) {
            return null;
        }
        if (i < 16) {
            if (ellipsis < 0) {
                return null;
            }
            int n = 16 - i;
            for (int j = i - 1; j >= ellipsis; j--) {
                ip[j + n] = ip[j];
            }
            Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
        } else if (ellipsis >= 0) {
            return null;
        }
        return ip;
    }

    private static boolean isAsciiHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }
}
