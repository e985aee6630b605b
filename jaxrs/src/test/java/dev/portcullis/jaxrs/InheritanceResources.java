package dev.portcullis.jaxrs;

import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/**
 * Resources whose security annotations sit elsewhere than on the implementation method: on
 * interfaces, superclasses, generic supertypes, and on sub-resource locators. Store roles:
 * root has admin and user, bob has user, dave has none.
 */
final class InheritanceResources {
    static final List<Class<?>> ALL = List.of(AnnotatedInterfaceResource.class, ImplPathResource.class,
            TypeOnInterfaceResource.class, OverridingResource.class, GenericResource.class, StringFinder.class,
            PrecedenceResource.class, SuperclassLevelResource.class, DenyOnInterfaceResource.class,
            LocatorRoot.class, GuardedLocatorRoot.class);

    private InheritanceResources() {
    }

    /** Everything on the interface, {@code @Path} included: RESTEasy names the interface in ResourceInfo. */
    @Path("/api-on-interface")
    @Produces(MediaType.TEXT_PLAIN)
    public interface AnnotatedInterfaceApi {
        @GET
        @Path("admin")
        @RolesAllowed("admin")
        String admin();

        @GET
        @Path("deny")
        @DenyAll
        String deny();

        @GET
        @Path("open")
        @PermitAll
        String open();
    }

    public static class AnnotatedInterfaceResource implements AnnotatedInterfaceApi {
        @Override
        public String admin() {
            return "admin";
        }

        @Override
        public String deny() {
            return "never";
        }

        @Override
        public String open() {
            return "open";
        }
    }

    /** Security and JAX-RS method annotations on the interface, {@code @Path} on the class. */
    public interface ImplPathApi {
        @GET
        @Path("admin")
        @Produces(MediaType.TEXT_PLAIN)
        @RolesAllowed("admin")
        String admin();
    }

    @Path("/api-on-class")
    public static class ImplPathResource implements ImplPathApi {
        @Override
        public String admin() {
            return "admin";
        }
    }

    /** The requirement only on the interface type. */
    @RolesAllowed("admin")
    public interface AdminOnlyApi {
        @GET
        @Path("x")
        @Produces(MediaType.TEXT_PLAIN)
        String x();
    }

    @Path("/type-on-interface")
    public static class TypeOnInterfaceResource implements AdminOnlyApi {
        @Override
        public String x() {
            return "x";
        }
    }

    public abstract static class AdminBase {
        @GET
        @Path("admin")
        @Produces(MediaType.TEXT_PLAIN)
        @RolesAllowed("admin")
        public String admin() {
            return "base";
        }
    }

    /** Overrides the superclass method without any annotation (JAX-RS inherits @GET and @Path). */
    @Path("/overridden")
    public static class OverridingResource extends AdminBase {
        @Override
        public String admin() {
            return "override";
        }
    }

    /** A generic superclass: the implementation's class has a bridge method {@code Object item()}. */
    public abstract static class GenericBase<T> {
        @GET
        @Path("item")
        @Produces(MediaType.TEXT_PLAIN)
        @RolesAllowed("admin")
        public abstract T item();
    }

    @Path("/generic")
    public static class GenericResource extends GenericBase<String> {
        @Override
        public String item() {
            return "item";
        }
    }

    /** A generic interface: the implementation's parameter is String, the interface's (erased) Object. */
    public interface Finder<K> {
        @GET
        @Path("{key}")
        @Produces(MediaType.TEXT_PLAIN)
        @RolesAllowed("admin")
        String find(@PathParam("key") K key);
    }

    @Path("/finder")
    public static class StringFinder implements Finder<String> {
        @Override
        public String find(String key) {
            return "found " + key;
        }
    }

    /** Class level, weakest: interfaces lose against superclasses and the resource class. */
    @RolesAllowed("user")
    public interface PrecedenceApi {
        @GET
        @Path("class-wins")
        @Produces(MediaType.TEXT_PLAIN)
        String classWins();

        @GET
        @Path("interface-method-wins")
        @Produces(MediaType.TEXT_PLAIN)
        @PermitAll
        String interfaceMethodWins();

        @GET
        @Path("own-wins")
        @Produces(MediaType.TEXT_PLAIN)
        @DenyAll
        String ownWins();
    }

    @PermitAll
    public abstract static class PrecedenceBase {
    }

    /** Method level beats class level; the resource class beats its superclass and interfaces. */
    @Path("/precedence")
    @RolesAllowed("admin")
    public static class PrecedenceResource extends PrecedenceBase implements PrecedenceApi {
        @Override
        public String classWins() {
            return "class";
        }

        @Override
        public String interfaceMethodWins() {
            return "interface method";
        }

        @Override
        @RolesAllowed("user")
        public String ownWins() {
            return "own";
        }
    }

    @RolesAllowed("admin")
    public abstract static class AdminClassBase {
    }

    @PermitAll
    public interface OpenApi {
        @GET
        @Path("x")
        @Produces(MediaType.TEXT_PLAIN)
        String x();
    }

    /** The superclass's class-level annotation beats the interface's. */
    @Path("/superclass-level")
    public static class SuperclassLevelResource extends AdminClassBase implements OpenApi {
        @Override
        public String x() {
            return "x";
        }
    }

    public interface DenyingApi {
        @GET
        @Path("denied")
        @Produces(MediaType.TEXT_PLAIN)
        @DenyAll
        String denied();

        @GET
        @Path("allowed")
        @Produces(MediaType.TEXT_PLAIN)
        String allowed();
    }

    /** @DenyAll on an interface method, implemented without annotation, beats the class's @PermitAll. */
    @Path("/deny-on-interface")
    @PermitAll
    public static class DenyOnInterfaceResource implements DenyingApi {
        @Override
        public String denied() {
            return "never";
        }

        @Override
        public String allowed() {
            return "allowed";
        }
    }

    /** A locator whose requirement sits on an interface the root implements. */
    public interface SectionLocatorApi {
        @Path("via-interface")
        @RolesAllowed("admin")
        Section viaInterface();
    }

    /** Sub-resource locators, several returning the same type with different requirements. */
    @Path("/locators")
    public static class LocatorRoot implements SectionLocatorApi {
        @Path("admin")
        @RolesAllowed("admin")
        public Section admin() {
            return new Section();
        }

        @Path("open")
        public Section open() {
            return new Section();
        }

        @Path("item/{id}")
        @RolesAllowed("user")
        public Section item(@PathParam("id") String id) {
            return new Section();
        }

        @Path("item/special")
        @RolesAllowed("admin")
        public Section special() {
            return new Section();
        }

        @Override
        public Section viaInterface() {
            return new Section();
        }

        @Path("documents/{docId}")
        @RequiresPermission(resource = "document", action = "read", id = "{docId}")
        public Section document(@PathParam("docId") String docId) {
            return new Section();
        }

        @Path("broken")
        public ContradictorySection broken() {
            return new ContradictorySection();
        }
    }

    /** A sub-resource whose contradiction is only seen at request time, when no deployment can fail. */
    @Produces(MediaType.TEXT_PLAIN)
    public static class ContradictorySection {
        @GET
        @PermitAll
        @RolesAllowed("admin")
        public String get() {
            return "never";
        }
    }

    /** The locator's class carries the requirement. */
    @Path("/guarded-locators")
    @RolesAllowed("admin")
    public static class GuardedLocatorRoot {
        @Path("section")
        public Section section() {
            return new Section();
        }
    }

    /** A sub-resource (no @Path on the class): its own requirements add to its locators'. */
    @Produces(MediaType.TEXT_PLAIN)
    public static class Section {
        @GET
        @Path("plain")
        public String plain() {
            return "plain";
        }

        @GET
        @Path("public")
        @PermitAll
        public String open() {
            return "public";
        }

        @GET
        @Path("users")
        @RolesAllowed("user")
        public String users() {
            return "users";
        }

        @Path("deeper")
        @RolesAllowed("admin")
        public Leaf deeper() {
            return new Leaf();
        }

        @Path("nested")
        public Leaf nested() {
            return new Leaf();
        }
    }

    /** The end of nested locators. */
    @Produces(MediaType.TEXT_PLAIN)
    public static class Leaf {
        @GET
        public String get() {
            return "leaf";
        }
    }
}
