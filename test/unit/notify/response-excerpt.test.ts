import { responseExcerpt } from '../../../src/notify/response-excerpt.ts';

describe('the excerpt of an answer that goes into an Event', () => {
  test('an HTML error page is named by its title, whatever says it is HTML', () => {
    const nginx = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
    expect(responseExcerpt(nginx)).toBe('HTML page "502 Bad Gateway"');
    expect(responseExcerpt('<!DOCTYPE html><html lang="en"><head><TITLE> Sign in &amp; continue </TITLE></head></html>')).toBe('HTML page "Sign in & continue"');
    expect(responseExcerpt('<h1>Service Unavailable</h1>', undefined, 'text/html; charset=utf-8')).toBe('HTML page: Service Unavailable');
  });

  test('a page without a title gives its visible text, without scripts, styles or comments', () => {
    const page = '<!doctype html><html><head><style>h1{color:red}</style><script>var x = "<b>";</script></head><body><!-- id 7 --><h1>Upstream&nbsp;timed out</h1><p>Try again in 30&#x202f;s.</p></body></html>';
    expect(responseExcerpt(page)).toBe('HTML page: Upstream timed out Try again in 30 s.');
  });

  test('anything else is kept as it came, on one line, cut when long', () => {
    expect(responseExcerpt('{"error": "a < b"}\n')).toBe('{"error": "a < b"}');
    expect(responseExcerpt('not approved\n\nask #release')).toBe('not approved ask #release');
    expect(responseExcerpt(`<html><title>${'x'.repeat(300)}</title></html>`, 20)).toBe(`HTML page "${'x'.repeat(9)}…(truncated)`);
  });
});
