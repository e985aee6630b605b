/**
 * The {@code portcullis} command line: {@code lint-token} (decode a token without trusting it and
 * check it against the size limit and claim hygiene), with slots for {@code verify-token} and
 * {@code test-policies}. Built as the attached {@code cli} jar of the filter module:
 * {@code java -jar portcullis-filter-VERSION-cli.jar --help}.
 */
package dev.portcullis.cli;
