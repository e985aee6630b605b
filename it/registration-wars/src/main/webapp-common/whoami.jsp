<%@ page contentType="text/plain; charset=UTF-8" %>principal=<%= request.getUserPrincipal() == null ? "none" : request.getUserPrincipal().getName() %>
remote-user=<%= request.getRemoteUser() %>
