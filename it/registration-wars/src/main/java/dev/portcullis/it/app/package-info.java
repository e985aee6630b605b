/**
 * The application inside the registration test WARs: a report servlet, a health servlet, a
 * principal-reading filter that the application declares after Portcullis, a tiny JSP and two
 * JAX-RS applications whose classes come from scanning.
 */
package dev.portcullis.it.app;
