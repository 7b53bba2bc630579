package org.gmi.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** This machine's files under another scheme, {@code gmitest:///path}: a Hadoop file system that is not "file". */
public class SchemeFileSystem extends RawLocalFileSystem {
    static final String SCHEME = "gmitest";

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }
}
