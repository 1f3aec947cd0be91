/*
 * hamburglar's built-in YARA rules: files that hold credentials, found by
 * their content whatever they are called. Turned on with `--yara builtin`;
 * the rule ids are `credentials:<rule>` (the namespace is this file's name).
 *
 * Every rule reports one pattern, the one that identifies the container, so
 * one file gives one finding; supporting patterns are private. Binary
 * formats are recognised by their header at offset 0; text formats by
 * their opening lines anywhere in the first KiB (a BOM, a comment or a
 * certificate may come first).
 *
 * The text rules (rules/*.toml) already find many of these as text; these
 * rules add the binary containers and say what kind of container a file is.
 */

rule pkcs12_keystore : keystore pkcs12 {
    meta:
        description = "PKCS#12 / PFX keystore (certificates with their private keys)"
        severity = "high"
        confidence = "high"
    strings:
        // PFX ::= SEQUENCE { version INTEGER 3, authSafe ContentInfo
        // (pkcs7-data or pkcs7-signedData) }, DER or BER lengths.
        $pfx = { 30 ( 80 | 81 ?? | 82 ?? ?? | 83 ?? ?? ?? ) 02 01 03
                 30 ( 80 | 81 ?? | 82 ?? ?? | 83 ?? ?? ?? )
                 06 09 2A 86 48 86 F7 0D 01 07 ( 01 | 02 ) }
    condition:
        $pfx at 0
}

rule java_keystore : keystore java {
    meta:
        description = "Java keystore (JKS or JCEKS)"
        severity = "high"
        confidence = "high"
    strings:
        $jks = { FE ED FE ED 00 00 00 ( 01 | 02 ) }
        $jceks = { CE CE CE CE 00 00 00 02 }
    condition:
        $jks at 0 or $jceks at 0
}

rule keepass_database : password_manager keepass {
    meta:
        description = "KeePass password database (KDB or KDBX)"
        severity = "high"
        confidence = "high"
    strings:
        // Signature 1, then signature 2: KeePass 1.x, 2.x pre-release, 2.x.
        $kdbx = { 03 D9 A2 9A ( 65 | 66 | 67 ) FB 4B B5 }
    condition:
        $kdbx at 0
}

rule putty_private_key : ssh putty {
    meta:
        description = "PuTTY private key file (.ppk)"
        severity = "high"
        confidence = "high"
    strings:
        $header = /PuTTY-User-Key-File-[23]: [a-z0-9@.-]{3,60}\r?\n/
        $private = /\nPrivate-Lines: [0-9]{1,3}\r?\n/ private
    condition:
        $header in (0..1024) and $private
}

rule openssh_private_key : ssh openssh {
    meta:
        description = "OpenSSH private key file"
        severity = "high"
        confidence = "high"
    strings:
        // The armour, then the base64 of "openssh-key-v1\0": a real key
        // body, not a placeholder in documentation.
        $armoured = /-----BEGIN OPENSSH PRIVATE KEY-----\r?\nb3BlbnNzaC1rZXktdjE/
        // The same key body, not armoured.
        $raw = { 6F 70 65 6E 73 73 68 2D 6B 65 79 2D 76 31 00 }
    condition:
        $armoured in (0..1024) or $raw at 0
}

rule encrypted_pem_private_key : pem encrypted {
    meta:
        description = "Password-encrypted PEM private key (PKCS#8 or legacy OpenSSL)"
        severity = "medium"
        confidence = "high"
    strings:
        $pkcs8 = /-----BEGIN ENCRYPTED PRIVATE KEY-----\r?\nMI/
        $legacy = /-----BEGIN (RSA|DSA|EC) PRIVATE KEY-----\r?\nProc-Type: 4,ENCRYPTED\r?\nDEK-Info: /
    condition:
        any of them
}

rule git_credentials_store : git plaintext {
    meta:
        description = "Git credential store (.git-credentials): URLs with passwords"
        severity = "critical"
        confidence = "medium"
    strings:
        $entry = /https?:\/\/[^\s:@\/]{1,256}:[^\s@\/]{1,256}@[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?/
    condition:
        $entry at 0
}

rule firefox_key_database : browser firefox {
    meta:
        description = "Firefox/NSS key database (key4.db): decrypts saved passwords"
        severity = "high"
        confidence = "high"
    strings:
        $sqlite = "SQLite format 3\x00" private
        $meta = "CREATE TABLE metaData" private
        $keys = "CREATE TABLE nssPrivate"
    condition:
        $sqlite at 0 and $meta and $keys
}
