package dev.portcullis.it.app.properties;

import dev.portcullis.it.app.PrincipalProbe;

import jakarta.servlet.annotation.WebFilter;

/** The application's filter declared by annotation; Portcullis, added with isMatchAfter=false, runs first. */
@WebFilter(filterName = "principal-probe", urlPatterns = "/*", asyncSupported = true)
public class AnnotatedPrincipalProbe extends PrincipalProbe {
}
