package dev.firehose.local;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The address the endpoint binds ({@code host}), and the endpoint URL clients get for it. */
class FirehoseLocalHostTest {

    /** Whether this machine can bind a second loopback address (Linux can; not every OS). */
    private static boolean canBind(String address) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theEndpointListensOnTheGivenAddressOnly() throws IOException {
        assumeTrue(canBind("127.0.0.2"), "127.0.0.2 cannot be bound here");

        try (FirehoseLocal local = FirehoseLocal.builder().host("127.0.0.2").build().start();
             FirehoseClient client = local.syncClient()) {
            int port = local.endpoint().getPort();

            assertThat(local.endpoint().toString()).isEqualTo("http://127.0.0.2:" + port);
            assertThat(client.listDeliveryStreams(r -> { }).deliveryStreamNames()).isEmpty();
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                }
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aWildcardAddressGivesClientsTheLoopback() {
        assertThat(FirehoseLocal.clientHost("0.0.0.0")).isEqualTo("127.0.0.1");
        assertThat(FirehoseLocal.clientHost("::")).isEqualTo("[::1]");
        assertThat(FirehoseLocal.clientHost("::1")).isEqualTo("[::1]");
        assertThat(FirehoseLocal.clientHost("localhost")).isEqualTo("localhost");
        assertThat(FirehoseLocal.clientHost("10.1.2.3")).isEqualTo("10.1.2.3");
    }

    @Test
    void theDefaultIsTheLoopbackAndABlankHostIsRefused() {
        try (FirehoseLocal local = FirehoseLocal.builder().build().start()) {
            assertThat(local.endpoint().getHost()).isEqualTo("127.0.0.1");
        }
        assertThatThrownBy(() -> FirehoseLocal.builder().host(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("host must not be blank, was ' '");
        assertThatThrownBy(() -> FirehoseLocal.builder().host(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> FirehoseLocalMain.parse(new String[] {"--host", ""}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--host needs an address, was ''");
    }
}
