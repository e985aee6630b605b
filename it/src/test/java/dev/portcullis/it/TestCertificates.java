package dev.portcullis.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * X.509 certificates made in the test without keytool or BouncyCastle (the filter module's test helper, copied): a minimal DER encoder for
 * a v3 certificate (RSA 2048, SHA256withRSA, basic constraints only), self-signed (a CA) or signed by a test CA,
 * parsed back by the JDK's {@link CertificateFactory}.
 *
 * <p>Thread safety: stateless.
 */
public final class TestCertificates {
    /** A key pair and its certificate. */
    public static final class Issued {
        public final KeyPair keys;
        public final X509Certificate certificate;

        Issued(KeyPair keys, X509Certificate certificate) {
            this.keys = keys;
            this.certificate = certificate;
        }

        /** The RFC 8705 {@code cnf.x5t#S256}: base64url SHA-256 of the DER certificate. */
        public String x5tS256() {
            try {
                return Base64.getUrlEncoder().withoutPadding().encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestCertificates() {
    }

    /** A self-signed certificate for {@code cn} (a CA when used to sign others). */
    public static Issued selfSigned(String cn) {
        KeyPair keys = rsa();
        return new Issued(keys, sign(cn, cn, keys, keys.getPrivate(), true));
    }

    /** A certificate for {@code cn} signed by {@code ca}. */
    public static Issued signedBy(String cn, Issued ca) {
        KeyPair keys = rsa();
        String issuer = ca.certificate.getSubjectX500Principal().getName().substring(3);
        return new Issued(keys, sign(issuer, cn, keys, ca.keys.getPrivate(), false));
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(String issuerCn, String subjectCn, KeyPair subject, PrivateKey signer,
                                        boolean ca) {
        byte[] sha256WithRsa = seq(oid(new int[] {1, 2, 840, 113549, 1, 1, 11}), new byte[] {0x05, 0x00});
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        byte[] tbs = seq(
                tlv(0xa0, tlv(0x02, new byte[] {2})),
                tlv(0x02, new BigInteger(64, new java.security.SecureRandom()).add(BigInteger.ONE).toByteArray()),
                sha256WithRsa,
                name(issuerCn),
                seq(time(now.minusDays(1)), time(now.plusDays(30))),
                name(subjectCn),
                subject.getPublic().getEncoded(),
                // extensions: basicConstraints (critical), cA true for a self-signed certificate
                tlv(0xa3, seq(seq(oid(new int[] {2, 5, 29, 19}), new byte[] {0x01, 0x01, (byte) 0xff},
                        tlv(0x04, ca ? seq(new byte[] {0x01, 0x01, (byte) 0xff}) : seq())))));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(signer);
            s.update(tbs);
            byte[] sig = s.sign();
            byte[] bits = new byte[sig.length + 1];
            System.arraycopy(sig, 0, bits, 1, sig.length);
            byte[] der = seq(tbs, sha256WithRsa, tlv(0x03, bits));
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] name(String cn) {
        return seq(tlv(0x31, seq(oid(new int[] {2, 5, 4, 3}), tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
    }

    private static byte[] time(ZonedDateTime t) {
        return tlv(0x17, t.format(DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'")).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] oid(int[] arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int v = arcs[i];
            byte[] tmp = new byte[5];
            int n = 0;
            do {
                tmp[n++] = (byte) (v & 0x7f);
                v >>>= 7;
            } while (v != 0);
            for (int j = n - 1; j >= 0; j--) {
                out.write(tmp[j] | (j > 0 ? 0x80 : 0));
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] seq(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return tlv(0x30, out.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else if (len < 0x100) {
            out.write(0x81);
            out.write(len);
        } else {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xff);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
