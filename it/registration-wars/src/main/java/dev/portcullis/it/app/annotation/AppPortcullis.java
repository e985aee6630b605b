package dev.portcullis.it.app.annotation;

import dev.portcullis.servlet.PortcullisFilter;

import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.annotation.WebInitParam;

/** The documented annotation registration: one annotated, empty subclass. */
@WebFilter(urlPatterns = "/*", asyncSupported = true,
        initParams = @WebInitParam(name = PortcullisFilter.CONFIG_PARAM, value = "/WEB-INF/portcullis.properties"))
public class AppPortcullis extends PortcullisFilter {
}
