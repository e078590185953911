import {execFileSync} from 'node:child_process';
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

export type TestCertificate = {
	readonly key: Buffer;
	readonly cert: Buffer;
	readonly certPath: string;
	readonly keyPath: string;
};

/**
A self-signed certificate, made with openssl at test time: for 127.0.0.1 and localhost unless
`subjectAltName` names others (`DNS:example.test`).
*/
export function makeCertificate(subjectAltName = 'IP:127.0.0.1,DNS:localhost'): TestCertificate {
	const directory = mkdtempSync(join(tmpdir(), 'wsterm-tls-'));
	const keyPath = join(directory, 'key.pem');
	const certPath = join(directory, 'cert.pem');
	execFileSync('openssl', [
		'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
		'-keyout', keyPath, '-out', certPath,
		'-subj', '/CN=localhost',
		'-addext', `subjectAltName=${subjectAltName}`,
	], {stdio: 'ignore'});
	return {key: readFileSync(keyPath), cert: readFileSync(certPath), keyPath, certPath};
}
