package io.genrestack.common.model;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * {@code equals}, {@code hashCode} and {@code toString} for records with array components (a record compares arrays
 * by reference otherwise), written once: arrays compare by content ({@link Arrays#equals(float[], float[])} is
 * bitwise, so NaN equals NaN, as the wire format round-trips bits) and print as their type and length
 * ({@code features=float[2048]}), not their values. Each such record overrides the three methods with one line each:
 * <pre>
 * public boolean equals(Object o) { return ArrayRecords.equals(this, o); }
 * public int hashCode() { return ArrayRecords.hashCode(this); }
 * public String toString() { return ArrayRecords.toString(this); }
 * </pre>
 */
public final class ArrayRecords {
    private static final ClassValue<Method[]> ACCESSORS = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            Method[] m = new Method[components.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = components[i].getAccessor();
                m[i].setAccessible(true);
            }
            return m;
        }
    };

    private ArrayRecords() {}

    /** True when {@code o} is a record of the same class with equal components (arrays by content). */
    public static boolean equals(Record r, Object o) {
        if (r == o) {
            return true;
        }
        if (o == null || o.getClass() != r.getClass()) {
            return false;
        }
        for (Method m : ACCESSORS.get(r.getClass())) {
            if (!Objects.deepEquals(get(m, r), get(m, o))) {
                return false;
            }
        }
        return true;
    }

    /** A hash of the components, arrays by content. */
    public static int hashCode(Record r) {
        Method[] accessors = ACCESSORS.get(r.getClass());
        Object[] values = new Object[accessors.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = get(accessors[i], r);
        }
        return Arrays.deepHashCode(values);
    }

    /** {@code Name[a=1, b=x, v=float[3]]}: like a record's own, with arrays as type and length. */
    public static String toString(Record r) {
        StringJoiner j = new StringJoiner(", ", r.getClass().getSimpleName() + "[", "]");
        for (Method m : ACCESSORS.get(r.getClass())) {
            Object v = get(m, r);
            String shown = v != null && v.getClass().isArray()
                    ? v.getClass().getComponentType().getSimpleName() + "[" + java.lang.reflect.Array.getLength(v) + "]"
                    : String.valueOf(v);
            j.add(m.getName() + "=" + shown);
        }
        return j.toString();
    }

    private static Object get(Method accessor, Object record) {
        try {
            return accessor.invoke(record);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }
}
