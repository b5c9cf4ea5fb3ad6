package dev.firehose.local.internal.s3;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * Writes S3's XML documents: {@code <?xml?>}, then elements in the S3 namespace (or none, for
 * errors), with text escaped by the JDK's StAX writer. Not thread-safe: one per document.
 */
final class S3Xml {

    static final String NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final XMLOutputFactory FACTORY = XMLOutputFactory.newInstance();

    private final StringWriter out = new StringWriter();
    private final XMLStreamWriter xml;

    /** A document whose root element is {@code root}, in the S3 namespace when {@code namespaced}. */
    S3Xml(String root, boolean namespaced) {
        try {
            xml = FACTORY.createXMLStreamWriter(out);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement(root);
            if (namespaced) {
                xml.writeDefaultNamespace(NAMESPACE);
            }
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
    }

    S3Xml start(String name) {
        try {
            xml.writeStartElement(name);
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    S3Xml end() {
        try {
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** {@code <name>text</name>}. */
    S3Xml element(String name, String text) {
        try {
            xml.writeStartElement(name);
            xml.writeCharacters(text);
            xml.writeEndElement();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return this;
    }

    /** {@code <name>text</name>}, or nothing when {@code text} is {@code null}. */
    S3Xml optional(String name, String text) {
        return text == null ? this : element(name, text);
    }

    /** Closes every open element and returns the document. */
    String finish() {
        try {
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** S3's error document: {@code <Error><Code/><Message/>...<RequestId/></Error>}. */
    static String error(S3Error e, String requestId) {
        S3Xml x = new S3Xml("Error", false).element("Code", e.code()).element("Message", e.getMessage());
        for (Map.Entry<String, String> d : e.details().entrySet()) {
            x.element(d.getKey(), d.getValue());
        }
        return x.element("RequestId", requestId).element("HostId", requestId).finish();
    }
}
